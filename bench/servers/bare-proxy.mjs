// The floor for Node: h3 v2 + an undici Pool, forwarding bytes both ways and nothing else.
// Sluice is compared against this, measured in the same run.
import { createServer } from 'node:http'
import { H3, toNodeHandler } from 'h3'
import { Pool } from 'undici'

const HANDLED = Symbol.for('h3.handled')

export function startBareProxy(upstreamOrigin, port = 0) {
  const pool = new Pool(upstreamOrigin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 })
  const app = new H3()
  app.post('/v1/chat/completions', async (event) => {
    const { req, res } = event.runtime.node
    const parts = []
    for await (const part of req) parts.push(part)
    const controller = new AbortController()
    res.on('close', () => controller.abort())
    const upstream = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body: Buffer.concat(parts),
      signal: controller.signal,
    })
    res.writeHead(upstream.statusCode, { 'content-type': upstream.headers['content-type'] })
    for await (const part of upstream.body) if (!res.write(part)) await new Promise((r) => res.once('drain', r))
    res.end()
    return HANDLED
  })
  const server = createServer({ keepAliveTimeout: 60_000 }, toNodeHandler(app))
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startBareProxy(process.argv[3], Number(process.argv[2] ?? 0))
  process.stdout.write(`ready ${server.address().port}\n`)
}
