import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface GeminiReceived {
  method: string
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string
  headers: IncomingMessage['headers']
  raw: Buffer
  json: Record<string, unknown>
}

export interface MockGemini {
  /** The base URL a provider is configured with (`…/v1beta`). */
  url: string
  received: GeminiReceived[]
  /** The exact bytes of the last answer sent (JSON body or SSE text). */
  lastBody: string
  close(): Promise<void>
}

type Json = Record<string, unknown>
type Part = Json & { text?: string; functionResponse?: Json }

const RESPONSE_ID = 'mockResp-9f3a'
const SIGNATURE = 'c2lnbmF0dXJlLWZvci1nZXRfd2VhdGhlcg=='

/**
 * A mock Gemini API speaking the real wire format (generateContent, streamGenerateContent with
 * `alt=sse` and as a JSON array, batchEmbedContents, Google error JSON). What it does is chosen by
 * the last user text: `error:<status>` (with the google.rpc status name, RetryInfo on 429,
 * API_KEY_INVALID on `error:key`), `midstream` (an error event after one chunk), `die` (cut after
 * one chunk), `tool` (a get_weather call with a thought signature, when functions are offered),
 * `blocked` (promptFeedback.blockReason); anything else is echoed ("You said: …").
 */
export async function startMockGemini(): Promise<MockGemini> {
  const sockets = new Set<Socket>()
  const state: MockGemini = { url: '', received: [], lastBody: '', close: async () => {} }
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const raw = Buffer.concat(parts)
      const json = raw.length ? (JSON.parse(raw.toString()) as Json) : {}
      const path = req.url ?? ''
      state.received.push({ method: req.method ?? '', path, headers: req.headers, raw, json })
      const method = /:([A-Za-z]+)(\?|$)/.exec(path)?.[1]
      if (method === 'batchEmbedContents') return embed(json, res, state)
      if (method === 'generateContent' || method === 'streamGenerateContent') return generate(json, method === 'streamGenerateContent', path, req, res, state)
      send(res, 404, googleError(404, 'NOT_FOUND', `Method not found: ${path}`), state)
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1beta`
  state.close = async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return state
}

const RPC: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' }

function googleError(code: number, status: string, message: string, details: Json[] = []): Json {
  return { error: { code, message, status, ...(details.length ? { details } : {}) } }
}

function send(res: ServerResponse, status: number, body: unknown, state: MockGemini): void {
  const text = JSON.stringify(body)
  state.lastBody = text
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
  res.end(text)
}

function lastUserText(json: Json): string {
  const contents = (json.contents ?? []) as { role?: string; parts?: Part[] }[]
  const last = [...contents].reverse().find((c) => (c.role ?? 'user') === 'user' && c.parts?.some((p) => typeof p.text === 'string'))
  return last?.parts?.map((p) => p.text ?? '').join('') ?? ''
}

function embed(json: Json, res: ServerResponse, state: MockGemini): void {
  const requests = (json.requests ?? []) as { content: { parts: Part[] }; outputDimensionality?: number }[]
  const text = requests.map((r) => r.content.parts.map((p) => p.text).join('')).join(' ')
  const error = /error:(\d{3})/.exec(text)
  if (error) return send(res, Number(error[1]), googleError(Number(error[1]), RPC[Number(error[1])] ?? 'UNKNOWN', 'refused'), state)
  send(res, 200, { embeddings: requests.map((r, i) => ({ values: [0.25, -0.5, 0.75, i].slice(0, r.outputDimensionality ?? 4) })) }, state)
}

function generate(json: Json, stream: boolean, path: string, req: IncomingMessage, res: ServerResponse, state: MockGemini): void {
  const text = lastUserText(json)
  if (text === 'error:key')
    return send(res, 400, googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]), state)
  const error = /error:(\d{3})/.exec(text)
  if (error) {
    const code = Number(error[1])
    const details = code === 429 ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] : []
    return send(res, code, googleError(code, RPC[code] ?? 'UNKNOWN', `upstream refused with ${code}`, details), state)
  }
  const model = /models\/([^:]+):/.exec(path)?.[1] ?? 'unknown'
  const base = { modelVersion: model, responseId: RESPONSE_ID }
  const functions = ((json.tools ?? []) as { functionDeclarations?: unknown[] }[]).some((t) => t.functionDeclarations?.length)
  const answeredTool = ((json.contents ?? []) as { parts?: Part[] }[]).at(-1)?.parts?.some((p) => p.functionResponse)
  const usage = { promptTokenCount: 11, candidatesTokenCount: 7, totalTokenCount: 21, thoughtsTokenCount: 3, cachedContentTokenCount: 4 }
  const call = { functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'c' } }, thoughtSignature: SIGNATURE }
  const answer = answeredTool ? 'It is sunny in Paris.' : `You said: ${text}`
  if (text === 'blocked') return send(res, 200, { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 }, ...base }, state)
  const toolTurn = functions && /\btool\b/.test(text) && !answeredTool
  if (!stream)
    return send(res, 200, {
      candidates: [{ content: { role: 'model', parts: toolTurn ? [call] : [{ text: answer }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: usage,
      ...base,
    }, state)
  const sse = path.includes('alt=sse')
  res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8' })
  const events: Json[] = []
  if (toolTurn) events.push({ candidates: [{ content: { role: 'model', parts: [call] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, ...base })
  else {
    const pieces = answer.match(/\s*\S+/g) ?? []
    pieces.forEach((piece, i) => {
      const last = i === pieces.length - 1
      events.push({
        candidates: [{ content: { role: 'model', parts: [{ text: piece }] }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
        usageMetadata: last ? usage : { promptTokenCount: 11, totalTokenCount: 11 },
        ...base,
      })
    })
  }
  let sent = ''
  const write = (chunk: string) => {
    sent += chunk
    res.write(chunk)
  }
  const frame = (event: Json, i: number) => (sse ? `data: ${JSON.stringify(event)}\r\n\r\n` : `${i ? ',\r\n' : '['}${JSON.stringify(event)}`)
  if (text === 'midstream' || text === 'die') {
    write(frame(events[0], 0))
    state.lastBody = sent
    if (text === 'die') return void setTimeout(() => req.socket.destroy(), 30)
    write(frame(googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'), 1))
    return void res.end()
  }
  events.forEach((event, i) => write(frame(event, i)))
  if (!sse) write(']')
  state.lastBody = sent
  res.end()
}
