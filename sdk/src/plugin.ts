import type { z } from 'zod'
import type { GatewayContext, RequestRecord, TargetRule, WireFormat } from './context.js'
import type { ChatChunk, ChatResponse, EmbeddingResponse } from './types/openai.js'
import type { ProviderAdapter } from './provider.js'

type Awaitable<T> = T | Promise<T>

/** `pre` runs before the plugins without an order, `post` after them (as in Rollup/Vite). */
export type HookOrder = 'pre' | 'post' | null

/** A hook given as a function, or as `{ order, handler }`. */
export type OrderedHook<F> = F | { order?: HookOrder; handler: F }

/** Sequential. Runs before any credential is read: request ids, size limits, IP rules. */
export type PreAuthHook = (ctx: GatewayContext) => Awaitable<void>
/**
 * Sequential. Identify the caller (`ctx.authenticate`, first wins) and allow or refuse
 * (throw a `GatewayError`).
 */
export type PolicyHook = (ctx: GatewayContext) => Awaitable<void>
/**
 * Sequential. Rewrite `ctx.request.body`, refuse, or answer early with `ctx.respond(...)`.
 * Runs once per request, not per retry.
 */
export type PreRequestHook = (ctx: GatewayContext) => Awaitable<void>

/**
 * Per stream chunk, in reverse plugin order. Return `undefined` to pass the chunk on unchanged,
 * a chunk (or several) to replace it, or `null`/`[]` to hold it back (release it later from
 * another `chunk` call or from `flush`). Returning a chunk, even the same object, marks the
 * stream as changed, so it is re-serialized instead of passed through byte for byte.
 */
export type ChunkHook = (ctx: GatewayContext<'chat'>, chunk: ChatChunk) => Awaitable<ChatChunk | ChatChunk[] | null | undefined | void>
/** At the end of a stream, before `[DONE]`: release anything held back. */
export type FlushHook = (ctx: GatewayContext<'chat'>) => Awaitable<ChatChunk[] | undefined | void>
/**
 * Once the answer is complete, in reverse plugin order. For a non-stream answer, return a new
 * response to replace it; for a stream, it receives the assembled answer after the last chunk
 * went out (read-only: for caching, cost, accounting).
 */
export type CompleteHook = (
  ctx: GatewayContext,
  response: ChatResponse | EmbeddingResponse,
  info: { stream: boolean },
) => Awaitable<ChatResponse | EmbeddingResponse | undefined | void>

export interface ResponseHooks {
  order?: HookOrder
  chunk?: ChunkHook
  flush?: FlushHook
  complete?: CompleteHook
}

/**
 * Parallel and detached: runs after the response is written. Errors are counted, never thrown.
 * `order: 'post'` hooks start once the others have settled (e.g. metrics that count what the
 * others reported on `ctx.meta`).
 */
export type PostLogHook = (ctx: GatewayContext, record: RequestRecord) => Awaitable<void>

/** The five lifecycle hooks, in the order they run. */
export interface PluginHooks {
  preAuth?: OrderedHook<PreAuthHook>
  policy?: OrderedHook<PolicyHook>
  preRequest?: OrderedHook<PreRequestHook>
  /** A function is shorthand for `{ complete }`. */
  response?: CompleteHook | ResponseHooks
  postLog?: OrderedHook<PostLogHook>
}

export const HOOK_NAMES = ['preAuth', 'policy', 'preRequest', 'response', 'postLog'] as const
export type HookName = (typeof HOOK_NAMES)[number]

/**
 * An HTTP route a plugin serves beside the inference API (e.g. `GET /metrics`, an admin API).
 * Web-standard: it gets a `Request` and answers a `Response`. Routes are off the hot path and
 * do not run the inference lifecycle; a plugin guards its own (admin tokens …).
 */
export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** An h3 route pattern, e.g. `/metrics` or `/admin/v1/keys/:id`. */
  path: string
  handler(request: Request, params: Record<string, string>): Awaitable<Response>
}

/** Who asks for a model list: `GET /v1/models` and the Anthropic and Gemini equivalents. */
export interface ModelListRequest {
  readonly format: WireFormat
  readonly path: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The caller's key however its client sends it (see `GatewayRequest.credential`). */
  credential(): string | undefined
}

/**
 * Which models a caller may see. Return a rule: a listed model stays when at least one of its
 * targets passes it (`allow` gets the listed name as `requested`; `keys` as in `ctx.restrict`);
 * return nothing to leave the list alone; throw a `GatewayError` to refuse the listing (401 …).
 * Runs in plugin order; every rule returned applies.
 */
export type ModelsHook = (request: ModelListRequest) => Awaitable<TargetRule | undefined | void>

/** What a plugin's `setup` returns: hooks, plus anything it contributes to the gateway. */
export interface PluginInstance extends PluginHooks {
  /** Filters the model lists for each caller (e.g. to a virtual key's allowlist). */
  models?: ModelsHook
  /** Provider adapters this plugin contributes (provider plugins). */
  providers?: ProviderAdapter[]
  /** HTTP routes this plugin serves (metrics, admin APIs). */
  routes?: PluginRoute[]
  /** Called on shutdown, after in-flight requests finished: flush and close. */
  close?: () => Awaitable<void>
}

/** What the gateway gives a plugin at setup. */
export interface SetupContext {
  /** Directory of the config file; resolve relative paths from it. */
  configDir: string
  /** Directory for state files (the embedded store lives here). */
  dataDir: string
  log: import('./context.js').Logger
  /**
   * Record an event in the gateway's tamper-evident audit log (admin actions, policy decisions).
   * Never put a secret in it.
   */
  audit(event: { type: string; actor?: string; target?: string; details?: Record<string, unknown> }): void
  /**
   * What `usage` costs in USD at a provider instance (by id) for a model: the price table
   * (@pydantic/genai-prices) or the config's `prices`. Undefined when the price is unknown.
   * Usable once the gateway is assembled (in hooks, not during setup).
   */
  cost(provider: string, model: string, usage: import('./types/openai.js').Usage): number | undefined
}

export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  /** Unique plugin name, e.g. `@sluice/governance` or `acme-project-guard`. */
  name: string
  /** Zod schema for the plugin's options; they are validated at load. */
  options?: S
  /**
   * When the plugin throws something other than a `GatewayError`, the request fails closed
   * (500 `gateway_plugin_error`) unless this is true, in which case the error is logged,
   * counted and the request goes on.
   */
  failOpen?: boolean
  setup(options: z.output<S>, context: SetupContext): Awaitable<PluginInstance>
}

/** Marker so the loader can tell a definition from other default exports. */
export const PLUGIN_BRAND = Symbol.for('sluice.plugin')

export type SluicePlugin<S extends z.ZodType = z.ZodType> = PluginDefinition<S> & { readonly [PLUGIN_BRAND]: true }
