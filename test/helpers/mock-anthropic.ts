import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface AnthropicReceived {
  method: string
  path: string
  headers: IncomingMessage['headers']
  raw: Buffer
  json: Record<string, any>
}

export interface MockAnthropic {
  /** The base URL a provider is configured with (paths start with `/v1`). */
  url: string
  received: AnthropicReceived[]
  /** The exact bytes of the last answer sent (JSON body or SSE text). */
  lastBody: string
  close(): Promise<void>
}

type Json = Record<string, any>

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
}

/**
 * A mock Anthropic Messages API speaking the real wire format: `POST /v1/messages` (JSON and SSE
 * with `event:` lines, pings, cumulative usage in `message_delta`) and Anthropic error bodies.
 * What it does is chosen by the last user text: `error:<status>` (429 with `retry-after`),
 * `midstream` (an `error` event after the first text delta), `tool` (a get_weather call, when
 * tools are offered); after a tool result it says the weather; anything else is echoed
 * ("You said: …").
 */
export async function startMockAnthropic(): Promise<MockAnthropic> {
  const sockets = new Set<Socket>()
  const state: MockAnthropic = { url: '', received: [], lastBody: '', close: async () => {} }
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const raw = Buffer.concat(parts)
      const json = raw.length ? (JSON.parse(raw.toString()) as Json) : {}
      const path = req.url ?? ''
      state.received.push({ method: req.method ?? '', path, headers: req.headers, raw, json })
      if (path.split('?')[0] !== '/v1/messages') return send(res, 404, anthropicError(404, `Not found: ${path}`), state)
      messages(json, res, state)
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return state
}

function anthropicError(status: number, message: string): Json {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message }, request_id: 'req_mock01' }
}

function send(res: ServerResponse, status: number, body: unknown, state: MockAnthropic, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  state.lastBody = text
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_mock01', ...headers })
  res.end(text)
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.filter((b: Json) => b.type === 'text').map((b: Json) => b.text).join('')
}

function messages(json: Json, res: ServerResponse, state: MockAnthropic): void {
  const turns = (json.messages ?? []) as Json[]
  const last = turns.at(-1)
  const text = last?.role === 'user' ? textOf(last.content) : ''
  const error = /error:(\d{3})/.exec(text)
  if (error) {
    const status = Number(error[1])
    return send(res, status, anthropicError(status, `upstream refused with ${status}`), state, status === 429 ? { 'retry-after': '7' } : {})
  }
  const answeredTool = Array.isArray(last?.content) && last.content.some((b: Json) => b.type === 'tool_result')
  const offered = Array.isArray(json.tools) && json.tools.some((t: Json) => t.name === 'get_weather')
  const toolTurn = offered && !answeredTool && /\btool\b/.test(text)
  const answer = answeredTool ? 'It is sunny in Paris.' : `You said: ${text}`
  const usage = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 3, output_tokens: 7 }
  const message = { id: 'msg_mock01', type: 'message', role: 'assistant', model: json.model }
  const call = { type: 'tool_use', id: 'toolu_mock01', name: 'get_weather', input: { city: 'Paris', unit: 'c' } }
  if (!json.stream)
    return send(res, 200, { ...message, content: toolTurn ? [{ type: 'text', text: 'Let me check.' }, call] : [{ type: 'text', text: answer }], stop_reason: toolTurn ? 'tool_use' : 'end_turn', stop_sequence: null, usage }, state)
  const events: [string, Json][] = [['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }]]
  events.push(['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }])
  events.push(['ping', { type: 'ping' }])
  const words = (toolTurn ? 'Let me check.' : answer).split(/(?<= )/)
  for (const [i, word] of words.entries()) {
    events.push(['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: word } }])
    if (i === 0 && text === 'midstream') {
      events.push(['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }])
      return stream(res, events, state)
    }
  }
  events.push(['content_block_stop', { type: 'content_block_stop', index: 0 }])
  if (toolTurn) {
    events.push(['content_block_start', { type: 'content_block_start', index: 1, content_block: { ...call, input: {} } }])
    for (const piece of ['', '{"city": ', '"Paris", "unit"', ': "c"}'])
      events.push(['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: piece } }])
    events.push(['content_block_stop', { type: 'content_block_stop', index: 1 }])
  }
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: toolTurn ? 'tool_use' : 'end_turn', stop_sequence: null }, usage }])
  events.push(['message_stop', { type: 'message_stop' }])
  stream(res, events, state)
}

function stream(res: ServerResponse, events: [string, Json][], state: MockAnthropic): void {
  const text = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('')
  state.lastBody = text
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_mock01' })
  // Written in a few pieces, so the gateway sees events cut across reads.
  const bytes = Buffer.from(text)
  const third = Math.ceil(bytes.length / 3)
  res.write(bytes.subarray(0, third))
  res.write(bytes.subarray(third, 2 * third))
  res.end(bytes.subarray(2 * third))
}
