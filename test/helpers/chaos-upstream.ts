import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** How a chaos upstream answers a request. */
export type Behaviour =
  | 'ok'
  | 'error500'
  | 'error400'
  | 'rate429'
  | 'hang'
  | 'reset'
  | 'garbage'
  | 'streamDiesBeforeFirstEvent'
  | 'streamDiesMidway'
  | 'slow'
  | 'streamStalls'

export interface ChaosUpstream {
  name: string
  url: string
  port: number
  /** Requests received, by key (Authorization bearer). */
  calls: { key: string; at: number; stream: boolean }[]
  /** The default behaviour, or one per key. */
  behaviour: Behaviour
  byKey: Map<string, Behaviour>
  retryAfterSeconds: number
  slowMs: number
  stop(): Promise<void>
  /** Starts again on the same port (after stop). */
  restart(): Promise<void>
}

/**
 * A small OpenAI-speaking upstream whose failure mode can be switched at run time, for
 * routing and failover tests. Every answer names the upstream, so tests can count who served.
 */
export async function startChaosUpstream(name: string, port = 0): Promise<ChaosUpstream> {
  const sockets = new Set<Socket>()
  let server: Server
  const upstream: ChaosUpstream = {
    name,
    url: '',
    port,
    calls: [],
    behaviour: 'ok',
    byKey: new Map(),
    retryAfterSeconds: 1,
    slowMs: 200,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    async restart() {
      await listen(upstream.port)
    },
  }
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString() || '{}') as { stream?: boolean; model?: string }
      const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
      upstream.calls.push({ key, at: Date.now(), stream: !!body.stream })
      const behaviour = upstream.byKey.get(key) ?? upstream.behaviour
      answer(behaviour, body, req, res)
    })
  }
  const answer = (behaviour: Behaviour, body: { stream?: boolean; model?: string }, req: IncomingMessage, res: ServerResponse) => {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(value))
    }
    switch (behaviour) {
      case 'error500':
        return json(500, { error: { message: `${name} is broken`, type: 'server_error', code: null, param: null } })
      case 'error400':
        return json(400, { error: { message: `${name}: bad parameter`, type: 'invalid_request_error', code: 'bad', param: 'temperature' } })
      case 'rate429':
        return json(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded', param: null } }, { 'retry-after': String(upstream.retryAfterSeconds) })
      case 'hang':
        return // the gateway's timeout must end it
      case 'reset':
        return req.socket.destroy()
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('<html>not json')
      case 'streamDiesBeforeFirstEvent':
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.flushHeaders()
        return setTimeout(() => req.socket.destroy(), 5)
      case 'streamDiesMidway':
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write(sse(chunk(name, body.model, { role: 'assistant', content: `${name} ` }, null)))
        return setTimeout(() => req.socket.destroy(), 20)
      case 'slow':
        return setTimeout(() => answer('ok', body, req, res), upstream.slowMs)
      case 'streamStalls':
        // One chunk, then silence: the gateway's stream idle timeout must end it.
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        return res.write(sse(chunk(name, body.model, { role: 'assistant', content: `${name} ` }, null)))
      default:
        if (!body.stream)
          return json(200, {
            id: `chatcmpl-${name}`,
            object: 'chat.completion',
            created: 1,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: `served by ${name}` }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
          })
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write(sse(chunk(name, body.model, { role: 'assistant', content: 'served by ' }, null)))
        res.write(sse(chunk(name, body.model, { content: name }, null)))
        res.write(sse(chunk(name, body.model, {}, 'stop')))
        return res.end('data: [DONE]\n\n')
    }
  }
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer(handle)
      server.keepAliveTimeout = 60_000
      server.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.once('error', reject)
      server.listen(p, '127.0.0.1', () => {
        upstream.port = (server.address() as AddressInfo).port
        upstream.url = `http://127.0.0.1:${upstream.port}/v1`
        resolve()
      })
    })
  await listen(port)
  return upstream
}

function chunk(name: string, model: string | undefined, delta: object, finish: string | null) {
  return { id: `chatcmpl-${name}`, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] }
}

function sse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

/** Runs `total` requests with `concurrency` workers; bounded by count. */
export async function load<T>(total: number, concurrency: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++
        results[i] = await run(i)
      }
    }),
  )
  return results
}
