import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, Usage } from './types/openai.js'
import type { GatewayError } from './errors.js'

/** The wire format a client spoke at the front door (and that an upstream speaks). */
export type WireFormat = 'openai' | 'anthropic' | 'gemini' | (string & {})

/** What the request asks for. */
export type Operation = 'chat' | 'embeddings'

export type CanonicalBody<O extends Operation = Operation> = O extends 'chat' ? ChatRequest : EmbeddingRequest
export type CanonicalResponse<O extends Operation = Operation> = O extends 'chat' ? ChatResponse : EmbeddingResponse

/**
 * Per-plugin data on a request. Extend it by module augmentation:
 *
 * @example
 * declare module '@sluice/sdk' {
 *   interface SluiceMeta { acmeProject?: string }
 * }
 */
export interface SluiceMeta {
  /** Set by a cache plugin: how this request was answered; read by metrics and logs. */
  cache?: { result: 'hit-exact' | 'hit-semantic' | 'miss'; score?: number; savedUsd?: number }
  /** Set by a governance plugin: what is left of the budgets this request was charged to. */
  budgets?: { level: 'key' | 'team' | 'customer'; id: string; remainingUsd: number }[]
  /**
   * Set by plugins that contain their own failures (WASM plugins): each failed call on this
   * request, e.g. `{ plugin: 'guard.wasm', hook: 'preRequest', kind: 'timeout', failOpen: false }`;
   * read by metrics and logs.
   */
  pluginFailures?: { plugin: string; hook: string; kind: string; failOpen: boolean }[]
}

/** Who is calling, as established by the first `policy` hook that authenticates. */
export interface Identity {
  /** Stable id of the credential (never the secret itself), e.g. a virtual key id. */
  id: string
  /** Human-readable name for logs. */
  name?: string
  team?: string
  customer?: string
  /** The plugin that authenticated the caller. */
  by?: string
  [extra: string]: unknown
}

/** The request as plugins see it. `body` is canonical (OpenAI-shaped). */
export interface GatewayRequest<O extends Operation = Operation> {
  readonly operation: O
  /** The wire format the client spoke. */
  readonly format: WireFormat
  /** The route path, e.g. `/v1/chat/completions`. */
  readonly path: string
  /** Inbound headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The client's address. */
  readonly ip: string | undefined
  /**
   * The canonical body. To change it, mutate it or assign a new one; Sluice notices either
   * and stops byte pass-through for this request.
   */
  body: CanonicalBody<O>
  /** The requested model, as the client named it (may be `provider/model` or an alias). */
  readonly model: string
  /** True when the client asked for a stream. */
  readonly stream: boolean
  /** The cap on answer tokens the client set (`max_completion_tokens` or `max_tokens`), if any. */
  readonly maxTokens: number | undefined
  /** How many answers the client asked for (`n`; Gemini's `candidateCount`): each may run to `maxTokens`. 1 unless set. */
  readonly choices: number
  /** Every text that will go up: message contents, tool results and tool-call arguments. */
  texts(): string[]
  /**
   * Make sure the answer reports token usage, for a stream too, even when the client did not ask
   * (OpenAI streams need `stream_options.include_usage`). The client still gets only what it
   * asked for. For budgets, metering and logs.
   */
  requireUsage(): void
  /**
   * The caller's credential, however its client sends it: `Authorization: Bearer`, `x-api-key`
   * (Anthropic clients), `x-goog-api-key` or `?key=` (Google clients; the query on Gemini routes
   * only), or `x-sluice-key`.
   * For authentication plugins; never log it.
   */
  credential(): string | undefined
}

/** One upstream call made for a request. */
export interface Attempt {
  provider: string
  model: string
  /** The masked key id, never the key. */
  key?: string
  status?: number
  errorType?: string
  startedAt: number
  durationMs?: number
}

/** Where the router sent the request. */
export interface Target {
  /** Provider instance id, e.g. `openai` or `groq`. */
  provider: string
  /** The model name sent upstream. */
  model: string
}

/**
 * Narrows where a request may go (see `GatewayContext.restrict`). Several rules all apply.
 *
 * @example
 * ctx.restrict({ allow: (t) => t.provider === 'openai', reason: 'This key may only use OpenAI' })
 */
export interface TargetRule {
  /** Keep a target only when this returns true; `requested` is the model name the client used. */
  allow?(target: Target, requested: string): boolean
  /** Use only these provider keys (by key `id`); a target whose provider has none of them is skipped. */
  keys?: readonly string[]
  /** The 403 message when no target is left. */
  reason?: string
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** The context every hook receives. One per request. */
export interface GatewayContext<O extends Operation = Operation> {
  /** The request id (`x-request-id` in and out). */
  readonly id: string
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number
  readonly request: GatewayRequest<O>
  /** Aborted when the client goes away or the gateway gives up on the request. */
  readonly signal: AbortSignal
  /** Per-plugin data; extend `SluiceMeta` by module augmentation. */
  readonly meta: SluiceMeta & Record<string, unknown>
  /** The caller, once a `policy` hook has authenticated it. */
  readonly identity: Identity | undefined
  /**
   * Establish who is calling. The first hook that authenticates wins; later calls return false
   * and change nothing.
   */
  authenticate(identity: Identity): boolean
  /**
   * Answer the request now (e.g. a cache hit). Upstream is not called; `response` hooks of
   * the plugins entered so far and all `postLog` hooks still run. A stream request may be
   * answered with an async iterable of chunks.
   */
  respond(response: CanonicalResponse<O> | (O extends 'chat' ? AsyncIterable<ChatChunk> : never)): void
  /** Add a header to the client's response. */
  setResponseHeader(name: string, value: string): void
  /**
   * Add a header to every upstream call of this request (e.g. W3C `traceparent`). Provider
   * headers and auth win over it.
   */
  setUpstreamHeader(name: string, value: string): void
  /**
   * Narrow where this request may go: the router skips targets a rule refuses and uses only the
   * provider keys a rule names. When nothing is left, the request is refused (403
   * `policy_model_not_allowed`, with the rule's `reason`).
   */
  restrict(rule: TargetRule): void
  /**
   * Where this request may go, in the order the router would try: a route's targets and
   * fallbacks, or the one provider serving the model, after `restrict` rules. Empty when the
   * model is unknown. For policy decisions (allowlists, worst-case cost) before routing.
   */
  candidates(): Target[]
  /** Where the router sent the request (set before the first upstream call). */
  readonly target: Target | undefined
  /** Upstream calls made so far. */
  readonly attempts: readonly Attempt[]
  readonly log: Logger
}

/** What `postLog` receives: the finished request, whatever its outcome. */
export interface RequestRecord {
  id: string
  operation: Operation
  format: WireFormat
  path: string
  /** The model the client asked for. */
  requestedModel: string
  provider: string | undefined
  /** The model sent upstream. */
  model: string | undefined
  stream: boolean
  status: number
  errorType: string | undefined
  errorMessage: string | undefined
  usage: Usage | undefined
  /**
   * True when the upstream reported no usage (a stream cut short, an upstream that never says)
   * and `usage` was counted by the gateway: prompt with a tokenizer, answer from what was sent.
   */
  usageEstimated?: boolean
  /** What the answer cost in USD (price table or config `prices`); undefined when unknown. */
  costUsd: number | undefined
  finishReason: string | undefined
  attempts: Attempt[]
  identity: Identity | undefined
  /** True when a plugin answered without calling upstream. */
  shortCircuited: boolean
  /** True when the client went away before the answer was complete. */
  clientAborted: boolean
  timings: {
    /** Arrival to last byte, ms. */
    totalMs: number
    /** Time spent waiting on upstream, ms. */
    upstreamMs: number | undefined
    /** Arrival to the first byte of the answer, ms. */
    firstByteMs: number | undefined
    /** Streams: the mean gap between streamed chunks (each holds one or a few tokens), ms. */
    interChunkMs?: number
  }
  startedAt: Date
}

export type ResponseError = GatewayError
