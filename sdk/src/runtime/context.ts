import { validateHeaderName, validateHeaderValue } from 'node:http'
import type {
  Attempt,
  CanonicalBody,
  CanonicalResponse,
  GatewayContext,
  GatewayRequest,
  Identity,
  Logger,
  Operation,
  SluiceMeta,
  Target,
  TargetRule,
  WireFormat,
} from '../context.js'
import type { ChatChunk, ChatRequest, EmbeddingRequest } from '../types/openai.js'
import { chatTexts, embeddingTexts } from '../text.js'

export interface ContextInit<O extends Operation = Operation> {
  id: string
  operation: O
  format: WireFormat
  path: string
  headers: Record<string, string | string[] | undefined>
  ip?: string
  body: CanonicalBody<O>
  /** The client's exact bytes, kept for same-format pass-through. */
  raw?: Uint8Array
  /** Aborts the request: the client left, or the gateway gave up (deadline, shutdown). */
  controller?: AbortController
  log?: Logger
  startedAt?: number
  /** Where the request may go, `restrict` rules applied (core: from the routing plan); none when unset. */
  candidates?: (rules: readonly TargetRule[]) => Target[]
}

export type ShortCircuit<O extends Operation = Operation> = CanonicalResponse<O> | AsyncIterable<ChatChunk>

const CREDENTIAL_HEADERS = ['x-sluice-key', 'x-api-key', 'x-goog-api-key'] as const

/**
 * Refused where the plugin sets it (its hook fails, answered per failOpen): a header Node cannot
 * send (CR/LF, non-Latin-1 such as '東京') would otherwise throw when the answer is written,
 * leaving the client without one.
 */
function checkHeader(where: string, name: string, value: string): void {
  try {
    validateHeaderName(name)
    validateHeaderValue(name, value)
  } catch (error) {
    throw new TypeError(`invalid ${where} header ${JSON.stringify(String(name)).slice(0, 80)}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * The caller's key from the headers every client family uses, or `?key=` on the Gemini routes
 * only: Google's clients put it there; anywhere else a key in the URL (which access logs and
 * proxies keep) is a mistake not to reward.
 */
export function readCredential(headers: Readonly<Record<string, string | string[] | undefined>>, query: string, format: WireFormat): string | undefined {
  const auth = first(headers.authorization)
  if (auth) {
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match) return match[1]
  }
  for (const name of CREDENTIAL_HEADERS) {
    const value = first(headers[name])?.trim()
    if (value) return value
  }
  if (query && format === 'gemini') {
    const key = new URLSearchParams(query).get('key')
    if (key) return key
  }
  return undefined
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

class Request<O extends Operation> implements GatewayRequest<O> {
  readonly operation: O
  readonly format: WireFormat
  readonly path: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly ip: string | undefined
  readonly model: string
  readonly stream: boolean
  readonly maxTokens: number | undefined
  readonly choices: number
  readonly raw: Uint8Array | undefined
  readonly query: string
  #body: CanonicalBody<O>
  /** JSON of the body when a plugin first saw it; compared later to detect in-place edits. */
  #snapshot: string | undefined
  #replaced = false
  #usageRequired = false

  constructor(init: ContextInit<O>) {
    this.operation = init.operation
    this.format = init.format
    const q = init.path.indexOf('?')
    this.path = q === -1 ? init.path : init.path.slice(0, q)
    this.query = q === -1 ? '' : init.path.slice(q + 1)
    this.headers = init.headers
    this.ip = init.ip
    this.#body = init.body
    this.raw = init.raw
    this.model = String((init.body as { model?: unknown }).model ?? '')
    this.stream = init.operation === 'chat' && (init.body as ChatRequest).stream === true
    const cap = init.operation === 'chat' ? ((init.body as ChatRequest).max_completion_tokens ?? (init.body as ChatRequest).max_tokens) : undefined
    this.maxTokens = typeof cap === 'number' && cap > 0 ? cap : undefined
    const n = init.operation === 'chat' ? (init.body as ChatRequest).n : undefined
    this.choices = typeof n === 'number' && Number.isInteger(n) && n > 1 ? n : 1
  }

  get body(): CanonicalBody<O> {
    if (this.#snapshot === undefined && !this.#replaced) this.#snapshot = JSON.stringify(this.#body)
    return this.#body
  }

  set body(value: CanonicalBody<O>) {
    this.#body = value
    this.#replaced = true
  }

  /** Core's view of the body: does not count as a plugin reading it. */
  peekBody(): CanonicalBody<O> {
    return this.#body
  }

  /** True when a plugin replaced or edited the body. */
  isModified(): boolean {
    if (this.#replaced) return true
    if (this.#snapshot === undefined) return false
    return JSON.stringify(this.#body) !== this.#snapshot
  }

  requireUsage(): void {
    this.#usageRequired = true
  }

  /** True when a plugin asked for usage (see `requireUsage`). */
  get usageRequired(): boolean {
    return this.#usageRequired
  }

  credential(): string | undefined {
    return readCredential(this.headers, this.query, this.format)
  }

  texts(): string[] {
    return this.operation === 'chat'
      ? chatTexts(this.#body as ChatRequest)
      : embeddingTexts(this.#body as EmbeddingRequest)
  }
}

/** The one implementation of `GatewayContext`, used by core and by the test kit. */
export class RequestContext<O extends Operation = Operation> implements GatewayContext<O> {
  readonly id: string
  readonly startedAt: number
  readonly request: Request<O>
  readonly signal: AbortSignal
  readonly meta = {} as SluiceMeta & Record<string, unknown>
  readonly log: Logger
  readonly attempts: Attempt[] = []
  readonly responseHeaders: Record<string, string> = {}
  readonly upstreamHeaders: Record<string, string> = {}
  target: Target | undefined
  shortCircuit: ShortCircuit<O> | undefined
  /** Rules from `restrict`; the router applies them all. */
  readonly rules: TargetRule[] = []
  #identity: Identity | undefined
  readonly #controller: AbortController
  readonly #candidates: ((rules: readonly TargetRule[]) => Target[]) | undefined

  constructor(init: ContextInit<O>) {
    this.id = init.id
    this.startedAt = init.startedAt ?? performance.now()
    this.request = new Request(init)
    this.#controller = init.controller ?? new AbortController()
    this.signal = this.#controller.signal
    this.log = init.log ?? silentLogger
    this.#candidates = init.candidates
  }

  restrict(rule: TargetRule): void {
    if (!rule || typeof rule !== 'object') throw new TypeError('restrict: expected a rule object')
    this.rules.push(rule)
  }

  candidates(): Target[] {
    return this.#candidates?.(this.rules) ?? []
  }

  /** Core only: end the request's upstream work with `reason` (one controller per request). */
  abort(reason: unknown): void {
    this.#controller.abort(reason)
  }

  get identity(): Identity | undefined {
    return this.#identity
  }

  authenticate(identity: Identity): boolean {
    if (this.#identity) return false
    if (!identity || typeof identity.id !== 'string' || !identity.id) throw new TypeError('authenticate: identity.id is required')
    this.#identity = identity
    return true
  }

  respond(response: ShortCircuit<O>): void {
    if (!response || typeof response !== 'object') throw new TypeError('respond: expected a response object or an async iterable of chunks')
    this.shortCircuit = response
  }

  setResponseHeader(name: string, value: string): void {
    checkHeader('response', name, value)
    this.responseHeaders[name.toLowerCase()] = value
  }

  setUpstreamHeader(name: string, value: string): void {
    checkHeader('upstream', name, value)
    this.upstreamHeaders[name.toLowerCase()] = value
  }
}

export function createContext<O extends Operation>(init: ContextInit<O>): RequestContext<O> {
  return new RequestContext(init)
}
