#!/usr/bin/env node
// Routing layer costs and recovery (issue 4), measured in one run:
//   1. added latency of a healthy route alias (2 weighted targets + a fallback) against a plain
//      provider/model name on the same gateway, sequential and interleaved;
//   2. recovery: one of two targets is killed under steady load and restarted; counts failed
//      client requests and the time from its restart until it serves traffic again.
//
//   npm run build && node bench/routing.mjs [--sequential 2000] [--cooldown 2000]
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Agent, request } from 'undici'
import { startProcess, stopAll } from './lib/processes.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const { values } = parseArgs({ options: { sequential: { type: 'string', default: '2000' }, cooldown: { type: 'string', default: '2000' } } })
const sequential = Number(values.sequential)
const cooldownMs = Number(values.cooldown)
const start = (args, pattern) => startProcess(args, pattern, root)
const mock = (port = 0) => start([path.join(here, 'servers/mock-upstream.mjs'), String(port)], /ready (\d+)/)
const body = (model) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Where is my order 48213? It has not arrived yet and I need it by Friday.' }] })
const agent = new Agent({ connections: 16, keepAliveTimeout: 60_000 })
async function call(url, model) {
  const res = await request(`${url}/v1/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: body(model) })
  await res.body.arrayBuffer()
  return res.statusCode
}
const count = async (port) => JSON.parse(await (await request(`http://127.0.0.1:${port}/__count`)).body.text()).served

async function main() {
  const a = await mock()
  const b = await mock()
  const fallback = await mock()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-routing-'))
  const provider = (id, port) => ['@sluice/provider-openai', { id, baseURL: `http://127.0.0.1:${port}/v1`, keys: [{ value: `sk-${id}-0000000000000000` }], models: ['gpt-4o-mini'], timeoutMs: 1000 }]
  const config = path.join(dir, 'sluice.config.json')
  writeFileSync(config, JSON.stringify({
    server: { host: '127.0.0.1', port: 0 },
    log: { level: 'info' },
    // `same` spreads over two provider instances on one mock, so it differs from the plain name
    // only by the routing work; `smart` spreads over two mocks, for the recovery run.
    plugins: [provider('a', a.port), provider('a2', a.port), provider('b', b.port), provider('fallback', fallback.port)],
    routes: {
      same: { targets: [{ provider: 'a', model: 'gpt-4o-mini', weight: 1 }, { provider: 'a2', model: 'gpt-4o-mini', weight: 1 }], fallbacks: ['fallback/gpt-4o-mini'] },
      smart: { targets: [{ provider: 'a', model: 'gpt-4o-mini', weight: 1 }, { provider: 'b', model: 'gpt-4o-mini', weight: 1 }], fallbacks: ['fallback/gpt-4o-mini'] },
    },
    routing: { circuit: { failureThreshold: 3, cooldownMs } },
  }))
  const sluice = await start([path.join(root, 'core/dist/cli.js'), 'serve', '--config', config], /"url":"http:\/\/127\.0\.0\.1:(\d+)"/)
  const url = `http://127.0.0.1:${sluice.port}`
  const direct = `http://127.0.0.1:${a.port}`

  // 1. Added latency of the routing layer on a healthy route.
  const targets = { direct: [direct, 'gpt-4o-mini'], plain: [url, 'a/gpt-4o-mini'], route: [url, 'same'] }
  const samples = { direct: [], plain: [], route: [] }
  for (let i = 0; i < 300; i++) for (const [u, m] of Object.values(targets)) await call(u, m)
  for (let i = 0; i < sequential; i++)
    for (const [name, [u, m]] of Object.entries(targets)) {
      const t = process.hrtime.bigint()
      await call(u, m)
      samples[name].push(Number(process.hrtime.bigint() - t) / 1000)
    }
  const median = (list) => list.sort((x, y) => x - y)[Math.floor(list.length / 2)]
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  const addedPlain = m.plain - m.direct
  const addedRoute = m.route - m.direct

  // 2. Recovery: steady load (8 workers) on the route; kill target a, restart it 2 s later.
  let failed = 0
  let sent = 0
  let running = true
  const workers = Array.from({ length: 8 }, async () => {
    while (running) {
      sent++
      if ((await call(url, 'smart').catch(() => 0)) !== 200) failed++
    }
  })
  await new Promise((r) => setTimeout(r, 1000))
  a.child.kill('SIGKILL')
  await new Promise((r) => setTimeout(r, 2000))
  const restarted = await mock(a.port)
  const restartedAt = Date.now()
  let back
  for (;;) {
    if ((await count(restarted.port)) > 0) {
      back = Date.now() - restartedAt
      break
    }
    if (Date.now() - restartedAt > cooldownMs + 10_000) break
    await new Promise((r) => setTimeout(r, 20))
  }
  running = false
  await Promise.all(workers)
  stopAll()
  await agent.close()

  const lines = [
    '| measure | value |',
    '|---|---|',
    `| sequential p50, direct to the mock | ${Math.round(m.direct)} µs |`,
    `| added by Sluice, \`a/gpt-4o-mini\` (plain name) | ${Math.round(addedPlain)} µs |`,
    `| added by Sluice, \`same\` (route: 2 weighted targets + fallback) | ${Math.round(addedRoute)} µs |`,
    `| routing layer ratio (route / plain name) | ${(addedRoute / addedPlain).toFixed(2)} |`,
    `| client requests during kill + restart | ${sent} sent, ${failed} failed |`,
    `| restarted target serving again after | ${back === undefined ? 'not within the wait' : `${back} ms`} (circuit cool-down ${cooldownMs} ms) |`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().then(() => process.exit(0), (e) => (stopAll(), process.stderr.write(`${e.stack ?? e}\n`), process.exit(1)))
