import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface HeldUpstream {
  url: string
  /** Requests that arrived and wait for `release()`. */
  readonly waiting: number
  /** Bodies of every request received, in order. */
  received: Record<string, unknown>[]
  /** Answers every waiting request (and the ones still to come, until `hold()`). */
  release(): void
  hold(): void
  close(): Promise<void>
}

/**
 * An OpenAI-compatible upstream that holds every answer until the test releases it, so a test can
 * look at a request while it is in flight (its reservation) without guessing how long it takes.
 * A stream sends its first chunk at once and the rest on release (a long stream); a JSON answer
 * waits whole. Answers report `usage` (a stream too, when asked), from `usage` given at start.
 */
export async function startHeldUpstream(usage: Record<string, unknown> = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 }): Promise<HeldUpstream> {
  const sockets = new Set<Socket>()
  let held = true
  let queue: (() => void)[] = []
  const received: Record<string, unknown>[] = []
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const json = JSON.parse(Buffer.concat(parts).toString() || '{}') as Record<string, unknown>
      received.push(json)
      // A stream starts at once and holds its end; an answer holds all of it.
      const answer = respond(json, res, usage)
      if (held) queue.push(answer)
      else answer()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get waiting() {
      return queue.length
    },
    received,
    release() {
      held = false
      const answers = queue
      queue = []
      for (const answer of answers) answer()
    },
    hold() {
      held = true
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Starts the answer; the function returned finishes it. */
function respond(json: Record<string, unknown>, res: ServerResponse, usage: Record<string, unknown>): () => void {
  const base = { id: 'chatcmpl-held', created: 1_700_000_000, model: json.model }
  if (!json.stream)
    return () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }], usage }))
    }
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  const event = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`)
  event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'do' }, finish_reason: null }] })
  return () => {
    event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'ne' }, finish_reason: 'stop' }] })
    if ((json.stream_options as { include_usage?: boolean } | undefined)?.include_usage) event({ ...base, object: 'chat.completion.chunk', choices: [], usage })
    res.end('data: [DONE]\n\n')
  }
}
