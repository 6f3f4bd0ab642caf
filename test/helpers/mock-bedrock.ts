import { createHash, createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'

type Json = Record<string, unknown>
type Block = Json & { text?: string; toolUse?: Json; toolResult?: Json }

export interface BedrockCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface BedrockReceived {
  /** The model id, decoded from the path. */
  model: string
  operation: 'converse' | 'converse-stream'
  /** The raw path, as sent (still URL-encoded). */
  path: string
  headers: IncomingMessage['headers']
  raw: Buffer
  json: Json
  /** What the SigV4 check found: `ok`, or why it failed. */
  signature: string
}

export interface MockBedrock {
  /** The base URL a provider is configured with. */
  url: string
  region: string
  received: BedrockReceived[]
  close(): Promise<void>
}

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves `!'()*` alone). */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * Checks a request's SigV4 signature the way AWS does, written apart from the signer under test:
 * the Authorization header's shape, the date, the body hash in `x-amz-content-sha256`, then the
 * signature recomputed from the canonical request (path segments encoded once more, non-S3 rules).
 * Returns `ok` or what is wrong.
 */
export function verifySigV4(req: { method: string; url: string; headers: IncomingMessage['headers'] }, raw: Buffer, credentials: BedrockCredentials, region: string, service = 'bedrock'): string {
  const auth = String(req.headers.authorization ?? '')
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth)
  if (!match) return 'malformed Authorization header'
  const [, accessKeyId, day, scopeRegion, scopeService, signedList, signature] = match
  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key'
  if (scopeRegion !== region || scopeService !== service) return `wrong scope ${scopeRegion}/${scopeService}`
  const amzDate = String(req.headers['x-amz-date'] ?? '')
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day)) return 'bad x-amz-date'
  const payloadHash = sha256(raw)
  if (req.headers['x-amz-content-sha256'] !== payloadHash) return 'body hash mismatch'
  const signed = signedList.split(';')
  for (const needed of ['host', 'x-amz-date', 'x-amz-content-sha256']) if (!signed.includes(needed)) return `${needed} not signed`
  if (credentials.sessionToken && (req.headers['x-amz-security-token'] !== credentials.sessionToken || !signed.includes('x-amz-security-token'))) return 'session token missing'
  const [path, query = ''] = req.url.split('?')
  const canonicalPath = path.split('/').map(uriEncode).join('/')
  const canonicalQuery = query ? query.split('&').sort().join('&') : ''
  const canonicalHeaders = signed.map((name) => `${name}:${String(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('')
  const canonical = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, signedList, payloadHash].join('\n')
  const scope = `${day}/${region}/${service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request')
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? 'ok' : 'signature mismatch'
}

/** One event-stream frame, as Bedrock sends it (with its `p` padding field). */
export function eventFrame(type: string, payload: Json): Uint8Array {
  const body = fromUtf8(JSON.stringify({ ...payload, p: 'abcdefghijklmnopqrstuvwxyzABCDEF'.slice(0, 5 + (type.length % 20)) }))
  return codec.encode({
    headers: { ':event-type': { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: 'event' } },
    body,
  })
}

export function exceptionFrame(type: string, payload: Json): Uint8Array {
  return codec.encode({
    headers: { ':exception-type': { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: 'exception' } },
    body: fromUtf8(JSON.stringify(payload)),
  })
}

const ERRORS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
}

/**
 * A mock Bedrock Runtime speaking the real wire format: Converse JSON and ConverseStream binary
 * event-stream frames (written in small pieces, so frames arrive split), AWS error answers with
 * `x-amzn-errortype`, and a SigV4 check of every request against the given credentials (a bad
 * signature is answered 403 InvalidSignatureException, as AWS does). What it says is chosen by the
 * last user text: `error:<status>`, `midstream` (an exception frame after one delta), `tool`
 * (a get_weather call when tools are offered); a tool result is answered "It is sunny in Paris.";
 * anything else is echoed ("You said: …").
 */
export async function startMockBedrock(credentials: BedrockCredentials, region = 'us-east-1'): Promise<MockBedrock> {
  const sockets = new Set<Socket>()
  const state: MockBedrock = { url: '', region, received: [], close: async () => {} }
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const raw = Buffer.concat(parts)
      const path = req.url ?? ''
      const signature = verifySigV4({ method: req.method ?? '', url: path, headers: req.headers }, raw, credentials, region)
      const route = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path)
      const json = raw.length ? (JSON.parse(raw.toString()) as Json) : {}
      if (route) state.received.push({ model: decodeURIComponent(route[1]), operation: route[2] as BedrockReceived['operation'], path, headers: req.headers, raw, json, signature })
      if (signature !== 'ok')
        return awsError(res, 403, signature === 'unknown access key' ? 'UnrecognizedClientException' : 'InvalidSignatureException', `The request signature we calculated does not match the signature you provided (${signature}).`)
      if (!route) return awsError(res, 404, 'UnknownOperationException', `No operation at ${path}`)
      answer(json, route[2] === 'converse-stream', res)
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

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'mock-request-id' })
  res.end(JSON.stringify({ message }))
}

function lastUser(json: Json): Block[] {
  const messages = (json.messages ?? []) as { role: string; content: Block[] }[]
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? []
}

const USAGE = { inputTokens: 11, outputTokens: 7, totalTokens: 22, cacheReadInputTokens: 4, cacheWriteInputTokens: 0 }
const CALL = { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', input: { city: 'Paris', unit: 'c' } }

function answer(json: Json, stream: boolean, res: ServerResponse): void {
  const blocks = lastUser(json)
  const text = blocks.map((b) => b.text ?? '').join('')
  const error = /error:(\d{3})/.exec(text)
  if (error) return awsError(res, Number(error[1]), ERRORS[Number(error[1])] ?? 'InternalServerException', `upstream refused with ${error[1]}`)
  const answeredTool = blocks.some((b) => b.toolResult)
  const toolTurn = !answeredTool && !!json.toolConfig && /\btool\b/.test(text)
  const reply = answeredTool ? 'It is sunny in Paris.' : `You said: ${text}`
  if (!stream) {
    const content = toolTurn ? [{ text: 'Let me check.' }, { toolUse: CALL }] : [{ text: reply }]
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'mock-request-id' })
    return void res.end(JSON.stringify({ output: { message: { role: 'assistant', content } }, stopReason: toolTurn ? 'tool_use' : 'end_turn', usage: USAGE, metrics: { latencyMs: 42 } }))
  }
  const frames: Uint8Array[] = [eventFrame('messageStart', { role: 'assistant' })]
  if (toolTurn) {
    frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me check.' } }), eventFrame('contentBlockStop', { contentBlockIndex: 0 }))
    frames.push(eventFrame('contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: CALL.toolUseId, name: CALL.name } } }))
    for (const piece of ['{"city":', ' "Paris", ', '"unit": "c"}']) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: piece } } }))
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex: 1 }), eventFrame('messageStop', { stopReason: 'tool_use' }))
  } else {
    const pieces = reply.match(/\s*\S+/g) ?? []
    frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: pieces[0] ?? '' } }))
    if (text === 'midstream') frames.push(exceptionFrame('modelStreamErrorException', { message: 'The model failed mid-answer', originalStatusCode: 500 }))
    else {
      for (const piece of pieces.slice(1)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }))
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: 0 }), eventFrame('messageStop', { stopReason: 'end_turn' }))
    }
  }
  if (text !== 'midstream') frames.push(eventFrame('metadata', { usage: USAGE, metrics: { latencyMs: 42 } }))
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'mock-request-id' })
  // Small writes, so frames (and their preludes) reach the gateway in pieces.
  const bytes = Buffer.concat(frames)
  for (let at = 0; at < bytes.length; at += 37) res.write(bytes.subarray(at, at + 37))
  res.end()
}
