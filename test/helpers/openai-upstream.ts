import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface Received {
  path: string
  headers: IncomingMessage['headers']
  raw: Buffer
  json: Record<string, unknown>
}

export interface OpenAIUpstream {
  url: string
  received: Received[]
  /** Stream connections the gateway closed before the stream ended. */
  closedEarly: number
  /** The exact SSE text of the last stream sent. */
  lastStream: string
  /** `flood`: events written so far, and whether the whole flood was accepted by the socket. */
  flood: { written: number; done: boolean }
  close(): Promise<void>
}

type Json = Record<string, unknown>

/**
 * A mock OpenAI upstream speaking the real wire format. What it does is chosen by the last user
 * message: `error:<status>`, `hang`, `garbage`, `die` (stream cut after two chunks), `slow`
 * (an endless slow stream), `tool` (a tool call); anything else is echoed back ("You said: …"),
 * after `wait:<ms>` milliseconds when the message says so.
 */
export async function startOpenAIUpstream(): Promise<OpenAIUpstream> {
  const sockets = new Set<Socket>()
  const state: OpenAIUpstream = { url: '', received: [], closedEarly: 0, lastStream: '', flood: { written: 0, done: false }, close: async () => {} }
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const raw = Buffer.concat(parts)
      const json = raw.length ? (JSON.parse(raw.toString()) as Json) : {}
      state.received.push({ path: req.url ?? '', headers: req.headers, raw, json })
      if (req.url === '/v1/embeddings') return embeddings(json, res)
      const wait = /wait:(\d+)/.exec(lastUser(json))
      if (wait) setTimeout(() => chat(json, req, res, state), Number(wait[1]))
      else chat(json, req, res, state)
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  state.close = async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return state
}

function lastUser(json: Json): string {
  const messages = (json.messages ?? []) as { role: string; content: unknown }[]
  const last = [...messages].reverse().find((m) => m.role === 'user')
  return typeof last?.content === 'string' ? last.content : ''
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

function embeddings(json: Json, res: ServerResponse) {
  const inputs = Array.isArray(json.input) ? json.input : [json.input]
  const vector = [0.25, -0.5, 0.75]
  send(res, 200, {
    object: 'list',
    model: json.model,
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: json.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 },
  })
}

function chat(json: Json, req: IncomingMessage, res: ServerResponse, state: OpenAIUpstream) {
  const text = lastUser(json)
  const error = /error:(\d{3})/.exec(text)
  if (error) {
    const status = Number(error[1])
    // Like some real upstreams, quote the key it was given (the gateway must not pass it on).
    const quoted = status === 400 ? ` (key ${String(req.headers.authorization).replace('Bearer ', '')})` : ''
    return send(res, status, { error: { message: `upstream refused with ${status}${quoted}`, type: 'invalid_request_error', code: `code_${status}`, param: null } }, status === 429 ? { 'retry-after': '7' } : {})
  }
  if (text === 'hang') return
  if (text === 'garbage') {
    res.writeHead(200, { 'content-type': 'application/json' })
    return res.end('}{ this is not json')
  }
  const base = { id: 'chatcmpl-up', created: 1_700_000_000, model: json.model as string }
  const tools = Array.isArray(json.tools) && /\btool\b/.test(text)
  const answer = `You said: ${text}`
  const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, prompt_tokens_details: { cached_tokens: 3 } }
  const toolCall = { id: 'call_up_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }
  if (!json.stream)
    return send(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: tools ? { role: 'assistant', content: null, tool_calls: [toolCall] } : { role: 'assistant', content: answer }, finish_reason: tools ? 'tool_calls' : 'stop' }],
      usage,
    })
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  let sent = ''
  const event = (value: unknown) => {
    const frame = `data: ${JSON.stringify(value)}\n\n`
    sent += frame
    res.write(frame)
  }
  const chunk = (delta: unknown, finish: string | null = null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })
  if (text === 'flood') {
    // 32 MiB as fast as the gateway takes it: more than any socket buffers hold.
    const filler = 'x'.repeat(4000)
    state.flood = { written: 0, done: false }
    const pump = () => {
      while (state.flood.written < 8192) {
        state.flood.written++
        if (!res.write(`data: ${JSON.stringify(chunk({ content: filler }))}\n\n`)) return void res.once('drain', pump)
      }
      res.end('data: [DONE]\n\n', () => (state.flood.done = true))
    }
    return pump()
  }
  if (text === 'slow') {
    let n = 0
    const timer = setInterval(() => event(chunk({ content: `${n++} ` })), 20)
    res.on('close', () => {
      clearInterval(timer)
      state.closedEarly++
    })
    return
  }
  event(chunk({ role: 'assistant', content: '' }))
  if (tools) {
    event(chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }))
    for (const part of ['{"city":', '"Paris",', '"unit":"c"}']) event(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }))
    event(chunk({}, 'tool_calls'))
  } else {
    for (const part of answer.match(/\s*\S+/g) ?? []) event(chunk({ content: part }))
    // Cut the connection once the chunks are out, as a crashing upstream would.
    if (text === 'die') return void setTimeout(() => req.socket.destroy(), 30)
    event(chunk({}, 'stop'))
  }
  if ((json.stream_options as { include_usage?: boolean } | undefined)?.include_usage) event({ ...base, object: 'chat.completion.chunk', choices: [], usage })
  sent += 'data: [DONE]\n\n'
  state.lastStream = sent
  res.end('data: [DONE]\n\n')
}
