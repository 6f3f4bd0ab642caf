import { GatewayError, isGatewayError } from '../errors.js'
import { assembleChatResponse } from '../assemble.js'
import { HOOK_NAMES } from '../plugin.js'
import type {
  ChunkHook,
  CompleteHook,
  FlushHook,
  HookOrder,
  PluginInstance,
  PostLogHook,
  PreAuthHook,
} from '../plugin.js'
import type { GatewayContext, Logger, RequestRecord } from '../context.js'
import type { ChatChunk, ChatResponse, EmbeddingResponse } from '../types/openai.js'
import type { RequestContext } from './context.js'

/** A plugin after loading: its definition's name and flags, and what `setup` returned. */
export interface LoadedPlugin {
  name: string
  failOpen: boolean
  instance: PluginInstance
}

type PreHook = PreAuthHook
type PreStage = 'preAuth' | 'policy' | 'preRequest'

interface Entry<F> {
  plugin: LoadedPlugin
  /** Position in the config's plugin list. */
  index: number
  fn: F
  order?: HookOrder
}

interface ResponseEntry {
  plugin: LoadedPlugin
  index: number
  chunk?: ChunkHook
  flush?: FlushHook
  complete?: CompleteHook
}

/** Keys a plugin instance may carry besides hooks. */
const INSTANCE_KEYS = new Set<string>(['providers', 'routes', 'close', 'models'])

/** Counts of plugin failures, by plugin and stage; read by metrics plugins and tests. */
export interface PipelineStats {
  pluginErrors: Map<string, number>
  postLogErrors: Map<string, number>
}

/** Per-request state of the onion: which plugins were entered on the way in. */
export interface PassState {
  /** Highest plugin index the pre-stages reached (everything before it was entered). */
  reached: number
  /** Plugins that ran at least one pre-hook (they always see the response). */
  ran: Set<number>
}

const orderRank = (order: HookOrder | undefined): number => (order === 'pre' ? 0 : order === 'post' ? 2 : 1)

function unwrap<F>(hook: F | { order?: HookOrder; handler: F }): { fn: F; order: HookOrder | undefined } {
  if (typeof hook === 'function') return { fn: hook as F, order: null }
  const ordered = hook as { order?: HookOrder; handler: F }
  return { fn: ordered.handler, order: ordered.order }
}

/**
 * Checks a plugin instance's keys: an unknown hook name is a load-time error (as in Fastify),
 * and so is a hook that is not a function.
 */
export function validatePluginInstance(name: string, instance: unknown): asserts instance is PluginInstance {
  if (!instance || typeof instance !== 'object') throw new TypeError(`plugin "${name}": setup() must return an object of hooks`)
  const routes = (instance as { routes?: unknown }).routes
  if (routes !== undefined) {
    if (!Array.isArray(routes)) throw new TypeError(`plugin "${name}": routes must be an array`)
    for (const route of routes as { method?: unknown; path?: unknown; handler?: unknown }[])
      if (!route || typeof route.path !== 'string' || !route.path.startsWith('/') || typeof route.handler !== 'function' || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(String(route.method)))
        throw new TypeError(`plugin "${name}": each route needs a method (GET, POST, PUT, PATCH, DELETE), a path starting with "/" and a handler`)
  }
  const providers = (instance as { providers?: unknown }).providers
  if (Array.isArray(providers))
    for (const provider of providers as { id?: unknown; chat?: { stream?: unknown; streamBytes?: unknown } }[])
      if (provider?.chat && typeof provider.chat.stream !== 'function' && typeof provider.chat.streamBytes !== 'function')
        throw new TypeError(`plugin "${name}": provider "${String(provider.id)}" has a chat adapter without stream or streamBytes`)
  for (const [key, value] of Object.entries(instance)) {
    if (value === undefined || INSTANCE_KEYS.has(key)) continue
    if (!(HOOK_NAMES as readonly string[]).includes(key))
      throw new TypeError(`plugin "${name}": unknown hook "${key}" (known hooks: ${HOOK_NAMES.join(', ')})`)
    if (key === 'response') {
      if (typeof value === 'function') continue
      if (typeof value !== 'object') throw new TypeError(`plugin "${name}": hook "response" must be a function or { chunk, flush, complete }`)
      for (const [sub, fn] of Object.entries(value as object)) {
        if (sub === 'order') continue
        if (!['chunk', 'flush', 'complete'].includes(sub))
          throw new TypeError(`plugin "${name}": unknown response hook "${sub}" (known: chunk, flush, complete, order)`)
        if (typeof fn !== 'function') throw new TypeError(`plugin "${name}": response.${sub} must be a function`)
      }
      continue
    }
    const handler = typeof value === 'function' ? value : (value as { handler?: unknown }).handler
    if (typeof handler !== 'function') throw new TypeError(`plugin "${name}": hook "${key}" must be a function or { order, handler }`)
  }
}

/**
 * The lifecycle engine: runs the five stages over the loaded plugins with the semantics of
 * DESIGN.md §1. Core and the SDK test kit both run requests through it.
 */
export class Pipeline {
  readonly plugins: LoadedPlugin[]
  readonly stats: PipelineStats = { pluginErrors: new Map(), postLogErrors: new Map() }
  readonly #pre: Record<PreStage, Entry<PreHook>[]>
  /** In reverse plugin order. */
  readonly #response: ResponseEntry[]
  readonly #postLog: Entry<PostLogHook>[]
  /** postLog hooks in two waves: the `post` ones start once the others have settled. */
  readonly #postLogWaves: Entry<PostLogHook>[][]
  readonly #pendingLogs = new Set<Promise<void>>()
  readonly hasChunkHooks: boolean
  readonly hasCompleteHooks: boolean
  #log: Logger

  constructor(plugins: LoadedPlugin[], log?: Logger) {
    this.plugins = plugins
    this.#log = log ?? { debug() {}, info() {}, warn() {}, error() {} }
    plugins.forEach((p) => validatePluginInstance(p.name, p.instance))
    this.#pre = { preAuth: this.#collect('preAuth'), policy: this.#collect('policy'), preRequest: this.#collect('preRequest') }
    this.#postLog = this.#collect('postLog')
    this.#postLogWaves = [this.#postLog.filter((e) => e.order !== 'post'), this.#postLog.filter((e) => e.order === 'post')].filter((w) => w.length > 0)
    const response: (ResponseEntry & { order: HookOrder | undefined })[] = []
    plugins.forEach((plugin, index) => {
      const hook = plugin.instance.response
      if (!hook) return
      if (typeof hook === 'function') response.push({ plugin, index, complete: hook, order: null })
      else response.push({ plugin, index, chunk: hook.chunk, flush: hook.flush, complete: hook.complete, order: hook.order })
    })
    // Reverse plugin order; `pre` still means "first", `post` "last".
    this.#response = response.reverse().sort((a, b) => orderRank(a.order) - orderRank(b.order))
    this.hasChunkHooks = this.#response.some((e) => e.chunk || e.flush)
    this.hasCompleteHooks = this.#response.some((e) => e.complete)
  }

  #collect<F>(stage: PreStage | 'postLog'): Entry<F>[] {
    const entries: (Entry<F> & { order: HookOrder | undefined })[] = []
    this.plugins.forEach((plugin, index) => {
      const hook = plugin.instance[stage] as F | { order?: HookOrder; handler: F } | undefined
      if (!hook) return
      const { fn, order } = unwrap(hook)
      entries.push({ plugin, index, fn, order })
    })
    // Array.prototype.sort is stable: plugin order holds within a rank.
    return entries.sort((a, b) => orderRank(a.order) - orderRank(b.order))
  }

  newPass(): PassState {
    return { reached: -1, ran: new Set() }
  }

  /**
   * Runs preAuth, policy and preRequest in order. Stops early when a hook answers
   * (`ctx.respond`); a refusal is thrown as a GatewayError.
   */
  async runPre(ctx: RequestContext, pass: PassState): Promise<void> {
    for (const stage of ['preAuth', 'policy', 'preRequest'] as const) {
      const entries = this.#pre[stage]
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]
        pass.ran.add(entry.index)
        await this.#call(entry.plugin, stage, () => entry.fn(ctx as GatewayContext))
        if (ctx.shortCircuit) {
          pass.reached = Math.max(pass.reached, entry.index)
          return
        }
      }
    }
    pass.reached = this.plugins.length - 1
  }

  /** Response hooks that this request's onion entered, in reverse order. */
  responseEntries(pass: PassState): ResponseEntry[] {
    if (pass.reached >= this.plugins.length - 1) return this.#response
    return this.#response.filter((e) => e.index <= pass.reached || pass.ran.has(e.index))
  }

  /** Runs `complete` hooks; returns the (possibly replaced) response and whether it changed. */
  async runComplete(
    ctx: RequestContext,
    entries: ResponseEntry[],
    response: ChatResponse | EmbeddingResponse,
    stream: boolean,
  ): Promise<{ response: ChatResponse | EmbeddingResponse; changed: boolean }> {
    let changed = false
    for (const entry of entries) {
      if (!entry.complete) continue
      const complete = entry.complete
      const next = await this.#call(entry.plugin, 'response', () => complete(ctx as GatewayContext, response, { stream }))
      if (next && !stream) {
        response = next
        changed = true
      }
    }
    return { response, changed }
  }

  /**
   * A streamed answer's `complete` hooks, each with the stream as it reached that plugin in the
   * onion (`seen`, filled by runChunk/runFlush), as a non-stream answer's hooks each get the
   * answer as the plugins after them left it: a cache listed after the output guardrails keeps
   * the upstream's answer, not the redacted one the client got. Without `seen` (no chunk hooks)
   * every hook gets `sent`, what went to the client.
   *
   * The stream is out when these run: a hook's failure (a refusal, a thrown TypeError from an
   * invalid `setResponseHeader` …) cannot answer the client any more. It is logged and counted,
   * never thrown, and the hooks after it still run (a cache store, a cost).
   */
  async runStreamComplete(ctx: RequestContext, entries: ResponseEntry[], sent: ChatChunk[], seen?: StreamSeen): Promise<void> {
    for (const entry of entries) {
      if (!entry.complete) continue
      const complete = entry.complete
      const response = assembleChatResponse(seen ? (seen.get(entry) ?? []) : sent)
      try {
        await this.#call(entry.plugin, 'response', () => complete(ctx as GatewayContext, response, { stream: true }))
      } catch (error) {
        // #call logged and counted a plugin's crash; a refusal is noted here.
        if (isGatewayError(error) && error.type !== 'gateway_plugin_error')
          this.#log.warn('a response hook refused a stream already sent', { plugin: entry.plugin.name, error: describe(error) })
      }
    }
  }

  /**
   * Passes one chunk through the `chunk` hooks. Returns the chunks to send, and whether any
   * hook changed something (then the stream is re-serialized, not passed through). With `seen`,
   * records what reaches each plugin that has a `complete` hook, before its own chunk hook runs.
   */
  async runChunk(ctx: RequestContext, entries: ResponseEntry[], chunk: ChatChunk, seen?: StreamSeen): Promise<{ chunks: ChatChunk[]; changed: boolean }> {
    let chunks: ChatChunk[] = [chunk]
    let changed = false
    for (const entry of entries) {
      if (seen && entry.complete && chunks.length) {
        let list = seen.get(entry)
        if (!list) seen.set(entry, (list = []))
        list.push(...chunks)
      }
      if (!entry.chunk || chunks.length === 0) continue
      const hook = entry.chunk
      const next: ChatChunk[] = []
      for (const c of chunks) {
        const out = await this.#call(entry.plugin, 'response', () => hook(ctx as GatewayContext<'chat'>, c))
        if (out === undefined) next.push(c)
        else {
          changed = true
          if (out === null) continue
          if (Array.isArray(out)) next.push(...out)
          else next.push(out)
        }
      }
      chunks = next
    }
    return { chunks, changed }
  }

  /**
   * End of stream: each hook's `flush` releases what it held; released chunks still pass through
   * the hooks after it (in reverse order), as any chunk would.
   */
  async runFlush(ctx: RequestContext, entries: ResponseEntry[], seen?: StreamSeen): Promise<ChatChunk[]> {
    const out: ChatChunk[] = []
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]
      if (!entry.flush) continue
      const flush = entry.flush
      const released = (await this.#call(entry.plugin, 'response', () => flush(ctx as GatewayContext<'chat'>))) ?? []
      for (const chunk of released) {
        const rest = entries.slice(i + 1)
        out.push(...(await this.runChunk(ctx, rest, chunk, seen)).chunks)
      }
    }
    return out
  }

  /**
   * Detached and parallel. Never throws; errors are counted and logged. `post` hooks start once
   * the others have settled, so they see what those reported on `ctx.meta` (a metrics plugin
   * counting a WASM plugin's postLog failure).
   */
  runPostLog(ctx: RequestContext, record: RequestRecord): Promise<void> {
    if (this.#postLog.length === 0) return Promise.resolve()
    const runAll = (entries: Entry<PostLogHook>[]) =>
      Promise.allSettled(
        entries.map(async (entry) => {
          try {
            await entry.fn(ctx as GatewayContext, record)
          } catch (error) {
            this.stats.postLogErrors.set(entry.plugin.name, (this.stats.postLogErrors.get(entry.plugin.name) ?? 0) + 1)
            this.#log.error('postLog hook failed', { plugin: entry.plugin.name, error: describe(error) })
          }
        }),
      )
    const [first, last] = this.#postLogWaves
    const run = runAll(first)
      .then(() => (last ? runAll(last) : undefined))
      .then(() => undefined)
    this.#pendingLogs.add(run)
    void run.finally(() => this.#pendingLogs.delete(run))
    return run
  }

  /** Waits for all detached postLog work (on shutdown). */
  async drainPostLog(): Promise<void> {
    while (this.#pendingLogs.size) await Promise.allSettled([...this.#pendingLogs])
  }

  async close(): Promise<void> {
    await this.drainPostLog()
    for (const plugin of [...this.plugins].reverse()) {
      try {
        await plugin.instance.close?.()
      } catch (error) {
        this.#log.error('plugin close failed', { plugin: plugin.name, error: describe(error) })
      }
    }
  }

  /**
   * Runs one hook. A GatewayError passes through (a refusal). Anything else fails closed as
   * 500 gateway_plugin_error, unless the plugin is fail-open: then it is logged and counted.
   */
  async #call<T>(plugin: LoadedPlugin, stage: string, run: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await run()
    } catch (error) {
      if (isGatewayError(error)) throw error
      const key = `${plugin.name}:${stage}`
      this.stats.pluginErrors.set(key, (this.stats.pluginErrors.get(key) ?? 0) + 1)
      this.#log.error('plugin hook failed', { plugin: plugin.name, stage, failOpen: plugin.failOpen, error: describe(error) })
      if (plugin.failOpen) return undefined
      throw new GatewayError(500, 'gateway_plugin_error', `Plugin "${plugin.name}" failed in ${stage}`, { cause: error })
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** Per response entry with a `complete` hook: the stream's chunks as they reached it. */
export type StreamSeen = Map<ResponseEntry, ChatChunk[]>

export type { ResponseEntry }
