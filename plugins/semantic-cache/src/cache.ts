import type { ChatRequest, ChatResponse, GatewayContext, Logger, RequestRecord, SetupContext } from '@sluice/sdk'
import { answerCacheable, requestCacheable } from './cacheable.js'
import { readControls } from './controls.js'
import type { RequestControls } from './controls.js'
import { fromRecord, makeEntry, toRecord } from './entry.js'
import type { CacheEntry, EntryRecord } from './entry.js'
import type { Embedder } from './local-embedder.js'
import { MemoryIndex } from './memory-index.js'
import type { ResolvedOptions } from './options.js'
import type { RedisSync } from './redis-sync.js'
import { replayChunks } from './replay.js'
import { exactKey, namespaceOf, semanticQuery } from './request-key.js'
import type { SemanticQuery } from './request-key.js'
import { routeMatcher } from './route-match.js'
import { SingleFlight, within } from './single-flight.js'
import type { SqliteEntryStore } from './sqlite-store.js'

export const RESULT_HEADER = 'x-sluice-cache'
export const SCORE_HEADER = 'x-sluice-cache-score'

export interface Hit {
  entry: CacheEntry
  result: 'hit-exact' | 'hit-semantic'
  score?: number
}

/** What the cache knows about one request between its hooks. */
interface RequestState {
  key: string
  namespace: string
  controls: RequestControls
  query?: SemanticQuery
  vector?: Float32Array
  /** Set while this request leads its key's single flight. */
  release?: (hit: Hit | undefined) => void
  served?: boolean
  stored?: CacheEntry
  /** The vector of a stored answer that was not looked up (`no-cache`), being computed. */
  pendingVector?: Promise<Float32Array | undefined>
}

export interface CacheParts {
  log: Logger
  /** Absent when the semantic layer is off. */
  embedder?: Embedder
  /** Names the embedding model in the semantic partition. */
  embedModel?: string
  sqlite?: SqliteEntryStore
  redis?: RedisSync
  /** The gateway's price of an answer (the same the request record gets). */
  cost?: SetupContext['cost']
  /** Epoch ms; injectable for tests. */
  now?: () => number
  /** Hands a stored entry to the other instances on the same store in this process (a reload). */
  share?: (entry: CacheEntry) => void
}

/**
 * The two layers and their plumbing: exact and semantic lookups on the way in, single flight
 * for identical concurrent requests, the store of complete answers on the way out, then (off
 * the request path) persistence to SQLite and sharing through Redis with the answer's cost.
 */
export class SemanticCache {
  readonly index: MemoryIndex
  readonly flights = new SingleFlight<Hit>()
  readonly stats = { hitsExact: 0, hitsSemantic: 0, misses: 0, stored: 0, embedErrors: 0 }
  readonly #options: ResolvedOptions
  readonly #parts: CacheParts
  readonly #now: () => number
  readonly #matches: (model: string, path: string) => boolean
  readonly #states = new WeakMap<GatewayContext, RequestState>()

  constructor(options: ResolvedOptions, parts: CacheParts) {
    this.#options = options
    this.#parts = parts
    this.#now = parts.now ?? Date.now
    this.#matches = routeMatcher(options.routes)
    this.index = new MemoryIndex(
      { maxEntries: options.maxEntries, maxBytes: options.maxBytes },
      { now: this.#now, onEvict: (entry) => parts.sqlite?.delete(entry.key) },
    )
  }

  /** Loads what SQLite kept and what other nodes shared, then follows their notices. */
  async load(): Promise<void> {
    const now = this.#now()
    const local = this.#parts.sqlite?.load(now, this.#options.maxEntries) ?? []
    // Oldest first, so the most recent end up most recently used.
    for (const record of local.reverse()) this.index.set(fromRecord(record))
    const shared = (await this.#parts.redis?.start((record) => this.#received(record), this.#options.maxEntries)) ?? []
    for (const record of shared) this.#received(record)
  }

  /** preRequest: answer from the cache, wait for an identical request in flight, or let it go upstream. */
  async lookup(ctx: GatewayContext): Promise<void> {
    if (ctx.request.operation !== 'chat' || !this.#matches(ctx.request.model, ctx.request.path)) return
    const controls = readControls(ctx.request, this.#options)
    const body = ctx.request.body as ChatRequest
    if (!requestCacheable(body, this.#options)) return
    const namespace = namespaceOf(ctx.identity, this.#options.namespaceBy, controls.namespace)
    const state: RequestState = {
      key: exactKey(namespace, body),
      namespace,
      controls,
      query: this.#parts.embedder ? semanticQuery(namespace, body, this.#parts.embedModel, this.#options.embedder.maxChars) : undefined,
    }
    this.#states.set(ctx, state)
    if (controls.lookup) {
      const exact = this.index.get(state.key)
      if (exact) return this.#serve(ctx, state, { entry: exact, result: 'hit-exact' })
      const leader = this.flights.pending(state.key)
      if (leader) {
        const hit = await within(leader, this.#options.singleFlightTimeoutMs, ctx.signal)
        // The leader's semantic hit met the leader's threshold (it may have sent a laxer header).
        if (hit && (hit.score === undefined || hit.score >= controls.threshold)) return this.#serve(ctx, state, hit)
        // The leader failed, could not store, or took too long: go upstream (without leading).
      } else if (controls.store) state.release = this.flights.lead(state.key)
      if (state.query) {
        const query = state.query
        state.vector = await this.#embed(query.text)
        // No vector (too long for the model, or the embedder failed): exact layer only, stored so too.
        if (!state.vector) state.query = undefined
        const near = state.vector && this.index.nearest(query.partition, state.vector)
        if (near && near.score >= controls.threshold) {
          this.index.touch(near.entry)
          return this.#serve(ctx, state, { entry: near.entry, result: 'hit-semantic', score: near.score })
        }
      }
    }
    this.stats.misses++
    ctx.meta.cache = { result: 'miss' }
    ctx.setResponseHeader(RESULT_HEADER, 'miss')
    // The entry records what the answer cost, for a stream too.
    if (controls.store) ctx.request.requireUsage()
  }

  /** response.complete: keep a complete, cacheable answer; hand it to the requests waiting for it. */
  store(ctx: GatewayContext, response: ChatResponse): void {
    const state = this.#states.get(ctx)
    if (!state || state.served) return
    if (!state.controls.store || !answerCacheable(response, this.#options)) return this.#release(state, undefined)
    const now = this.#now()
    const snapshot = structuredClone(response)
    const semantic = state.query && state.vector
    // Priced now, not in postLog: requests waiting on this one are served before its postLog runs.
    const target = ctx.target
    const costUsd = target && response.usage ? this.#parts.cost?.(target.provider, target.model, response.usage) : undefined
    const entry = makeEntry({
      key: state.key,
      costUsd,
      namespace: state.namespace,
      partition: semantic ? state.query!.partition : undefined,
      vector: semantic ? state.vector : undefined,
      response: snapshot,
      createdAt: now,
      expiresAt: now + state.controls.ttlSeconds * 1000,
    })
    this.index.set(entry)
    state.stored = entry
    this.stats.stored++
    this.#release(state, { entry, result: 'hit-exact' })
    if (state.query && !state.vector) {
      const query = state.query
      state.pendingVector = this.#embed(query.text).then((vector) => {
        if (vector) this.index.attachVector(entry, query.partition, vector)
        return vector
      })
    }
  }

  /** postLog: release a leader that never stored; persist and share a stored entry with its cost. */
  async persist(ctx: GatewayContext, record: RequestRecord): Promise<void> {
    const state = this.#states.get(ctx)
    if (!state) return
    this.#release(state, undefined)
    const entry = state.stored
    if (!entry) return
    entry.costUsd = record.costUsd ?? entry.costUsd
    if (state.pendingVector) await state.pendingVector
    const stored = toRecord(entry)
    this.#parts.sqlite?.put(stored)
    this.#parts.redis?.publish(stored)
    this.#parts.share?.(entry)
  }

  /** An entry another instance on the same store holds or stored (it persists it itself). */
  adopt(entry: CacheEntry): void {
    const held = this.index.peek(entry.key)
    if (held && held.createdAt > entry.createdAt) return
    this.index.set(entry)
  }

  /** Drops expired entries from memory and SQLite. */
  sweep(): void {
    this.index.sweep()
    this.#parts.sqlite?.deleteExpired(this.#now())
  }

  #serve(ctx: GatewayContext, state: RequestState, hit: Hit): void {
    state.served = true
    // Requests waiting on this one get the same answer.
    this.#release(state, hit)
    if (hit.result === 'hit-exact') this.stats.hitsExact++
    else this.stats.hitsSemantic++
    const response: ChatResponse = { ...structuredClone(hit.entry.response), id: `chatcmpl-cache-${ctx.id}`, created: Math.floor(this.#now() / 1000) }
    ctx.meta.cache = { result: hit.result, ...(hit.score === undefined ? {} : { score: hit.score }), savedUsd: hit.entry.costUsd }
    ctx.setResponseHeader(RESULT_HEADER, hit.result)
    if (hit.score !== undefined) ctx.setResponseHeader(SCORE_HEADER, hit.score.toFixed(4))
    const chat = ctx as GatewayContext<'chat'>
    chat.respond(ctx.request.stream ? replayChunks(response) : response)
  }

  #release(state: RequestState, hit: Hit | undefined): void {
    const release = state.release
    state.release = undefined
    release?.(hit)
  }

  #received(record: EntryRecord): void {
    // A newer answer to the same request, already held, stays.
    const held = this.index.peek(record.key)
    if (held && held.createdAt > record.createdAt) return
    const entry = fromRecord(record)
    this.index.set(entry)
    this.#parts.sqlite?.put(record)
  }

  async #embed(text: string): Promise<Float32Array | undefined> {
    try {
      return await this.#parts.embedder!.embed(text)
    } catch (error) {
      // Without a vector the request is a semantic miss; the exact layer still works.
      if (this.stats.embedErrors++ % 100 === 0) this.#parts.log.warn('semantic-cache: embedding failed', { error: error instanceof Error ? error.message : String(error), failures: this.stats.embedErrors })
      return undefined
    }
  }
}
