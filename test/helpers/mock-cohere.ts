import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

type Json = Record<string, unknown>
type Message = { role: string; content?: string | { type: string; text?: string }[]; tool_calls?: unknown[]; tool_plan?: string }

export interface CohereReceived {
  path: string
  headers: IncomingMessage['headers']
  json: Json
}

export interface MockCohere {
  url: string
  received: CohereReceived[]
  /** The exact bytes of the last answer sent (JSON body or SSE text). */
  lastBody: string
  close(): Promise<void>
}

const ID = 'c14c80c3-18eb-4519-9460-6c92edd8cfb4'
const USAGE = { billed_units: { input_tokens: 9, output_tokens: 7 }, tokens: { input_tokens: 11, output_tokens: 7 }, cached_tokens: 4 }
const CALL = { id: 'get_weather_nsz5zm3w56q3', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }
const PLAN = 'I will look up the weather in Paris.'

/**
 * A mock Cohere v2 API speaking the real wire format: `/v2/chat` (JSON, or SSE events named by
 * their type when `stream` is set), `/v2/embed` (embeddings_by_type), and Cohere's error JSON
 * `{ id, message }`. Keys other than `key` are refused with a 401. What it says is chosen by the
 * last user text: `error:<status>`, `midstream` (message-end with finish_reason ERROR after one
 * delta), `tool` (a tool plan and a get_weather call, when tools are offered); a tool result is
 * answered "It is sunny in Paris."; anything else is echoed ("You said: …").
 */
export async function startMockCohere(key: string): Promise<MockCohere> {
  const sockets = new Set<Socket>()
  const state: MockCohere = { url: '', received: [], lastBody: '', close: async () => {} }
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const raw = Buffer.concat(parts)
      const json = raw.length ? (JSON.parse(raw.toString()) as Json) : {}
      const path = req.url ?? ''
      state.received.push({ path, headers: req.headers, json })
      if (req.headers.authorization !== `Bearer ${key}`) return send(res, 401, { id: ID, message: 'invalid api token' }, state)
      if (path === '/v2/embed') return embed(json, res, state)
      if (path === '/v2/chat') return chat(json, res, state)
      send(res, 404, { id: ID, message: `Not Found: ${path}` }, state)
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

function send(res: ServerResponse, status: number, body: unknown, state: MockCohere): void {
  const text = JSON.stringify(body)
  state.lastBody = text
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(text)
}

function textOf(message: Message | undefined): string {
  const content = message?.content
  if (typeof content === 'string') return content
  return (content ?? []).map((p) => p.text ?? '').join('')
}

function embed(json: Json, res: ServerResponse, state: MockCohere): void {
  const texts = (json.texts ?? []) as string[]
  const error = /error:(\d{3})/.exec(texts.join(' '))
  if (error) return send(res, Number(error[1]), { id: ID, message: `refused with ${error[1]}` }, state)
  const vectors = texts.map((_, i) => [0.25, -0.5, 0.75, i].slice(0, (json.output_dimension as number | undefined) ?? 4))
  send(res, 200, { id: ID, embeddings: { float: vectors }, texts, meta: { api_version: { version: '2' }, billed_units: { input_tokens: texts.length * 3 } }, response_type: 'embeddings_by_type' }, state)
}

function chat(json: Json, res: ServerResponse, state: MockCohere): void {
  const messages = (json.messages ?? []) as Message[]
  const last = messages.at(-1)
  const text = textOf([...messages].reverse().find((m) => m.role === 'user'))
  const error = /error:(\d{3})/.exec(text)
  if (error) return send(res, Number(error[1]), { id: ID, message: `refused with ${error[1]}` }, state)
  const answeredTool = last?.role === 'tool'
  const toolTurn = !answeredTool && Array.isArray(json.tools) && /\btool\b/.test(text)
  const reply = answeredTool ? 'It is sunny in Paris.' : `You said: ${text}`
  if (!json.stream) {
    const message = toolTurn ? { role: 'assistant', tool_plan: PLAN, tool_calls: [CALL] } : { role: 'assistant', content: [{ type: 'text', text: reply }] }
    return send(res, 200, { id: ID, message, finish_reason: toolTurn ? 'TOOL_CALL' : 'COMPLETE', usage: USAGE }, state)
  }
  const events: Json[] = [{ id: ID, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }]
  if (toolTurn) {
    for (const piece of PLAN.match(/\s*\S+/g) ?? []) events.push({ type: 'tool-plan-delta', delta: { message: { tool_plan: piece } } })
    events.push({ type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { id: CALL.id, type: 'function', function: { name: CALL.function.name, arguments: '' } } } } })
    for (const piece of ['{\n    "', 'city', '": "Paris', '", "unit": "c"', '\n}']) events.push({ type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: piece } } } } })
    events.push({ type: 'tool-call-end', index: 0 }, { type: 'message-end', delta: { finish_reason: 'TOOL_CALL', usage: USAGE } })
  } else {
    events.push({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } })
    const pieces = reply.match(/\s*\S+/g) ?? []
    for (const piece of text === 'midstream' ? pieces.slice(0, 1) : pieces) events.push({ type: 'content-delta', index: 0, delta: { message: { content: { text: piece } } }, logprobs: null })
    if (text === 'midstream') events.push({ type: 'message-end', delta: { error: 'internal generation failure', finish_reason: 'ERROR' } })
    else events.push({ type: 'content-end', index: 0 }, { type: 'message-end', delta: { finish_reason: 'COMPLETE', usage: USAGE } })
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  let sent = ''
  for (const event of events) {
    const frame = `event: ${event.type as string}\ndata: ${JSON.stringify(event)}\n\n`
    sent += frame
    res.write(frame)
  }
  sent += 'data: [DONE]\n\n'
  res.write('data: [DONE]\n\n')
  state.lastBody = sent
  res.end()
}
