import { GatewayError, isGatewayError, sleep } from '@sluice/sdk'
import type {
  Attempt,
  CallInfo,
  ChatChunk,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  Logger,
  ProviderAdapter,
  RoutingConfig,
  Target,
  TargetRule,
} from '@sluice/sdk'
import type { RequestContext } from '@sluice/sdk/runtime'
import type { UpstreamClient } from '../upstream/client.js'
import { upstreamFailure } from '../upstream/transport-errors.js'
import { KeyPool } from '../routing/keys.js'
import type { ChosenKey } from '../routing/keys.js'
import { HealthBook } from '../routing/health.js'
import { ConcurrencyLimiter } from '../routing/limiter.js'
import { backoffDelay } from '../routing/backoff.js'
import type { Plan, PlannedTarget, Planner } from '../routing/plan.js'
import { planTargets, restrictPlan } from '../routing/restrict.js'
import { callUpstream } from './attempt.js'
import type { AttemptFailure, SourcedChunk } from './attempt.js'

export type { SourcedChunk } from './attempt.js'

/** What an upstream (or a plugin's early answer) produced. */
export type Answer =
  | { kind: 'json'; response: ChatResponse | EmbeddingResponse; raw?: Buffer }
  | { kind: 'stream'; chunks: AsyncIterable<SourcedChunk> }

/**
 * Runs a request's plan: targets by health-weighted choice, keys by weight (resting after 429,
 * out after 401/403), retries with backoff and jitter on 5xx/429/timeouts/connection errors
 * (never on other 4xx), then fallbacks in order; bounded attempts, a total deadline, and a
 * per-provider concurrency cap that sheds load with a 503 instead of queueing.
 * A stream fails over only until its first chunk; that chunk is read inside the attempt.
 */
export class Dispatcher {
  readonly #planner: Planner
  readonly #client: UpstreamClient
  readonly #routing: RoutingConfig
  readonly #log: Logger
  readonly #keys = new Map<string, KeyPool>()
  readonly health: HealthBook
  readonly limiter = new ConcurrencyLimiter()

  constructor(planner: Planner, providers: readonly ProviderAdapter[], client: UpstreamClient, routing: RoutingConfig, log: Logger) {
    this.#planner = planner
    this.#client = client
    this.#routing = routing
    this.#log = log
    this.health = new HealthBook(routing.circuit)
    for (const provider of providers) this.#keys.set(provider.id, new KeyPool(provider.keys))
  }

  /** Where a request may go (for `ctx.candidates()`): empty when its model or fallbacks are invalid. */
  candidates(body: { model?: unknown; fallbacks?: unknown }, rules: readonly TargetRule[]): Target[] {
    try {
      const model = String(body.model ?? '')
      return planTargets(restrictPlan(this.#planner.plan(model, body.fallbacks), rules, model))
    } catch {
      return []
    }
  }

  keyStates(providerId: string): ReturnType<KeyPool['describe']> {
    return this.#keys.get(providerId)?.describe() ?? []
  }

  /** `chunksNeeded`: a plugin will read the stream's chunks (no byte-only fast path then). */
  async dispatch(ctx: RequestContext, { chunksNeeded }: { chunksNeeded: boolean } = { chunksNeeded: true }): Promise<Answer> {
    const body = ctx.request.peekBody() as (ChatRequest | EmbeddingRequest) & { fallbacks?: unknown }
    const plan = restrictPlan(this.#planner.plan(body.model, body.fallbacks), ctx.rules, body.model)
    let sent = body
    if (body.fallbacks !== undefined) {
      // A gateway field: it never goes upstream.
      const { fallbacks: _dropped, ...rest } = body
      sent = rest
    }
    // The request's own signal serves every attempt; the deadline aborts it if no answer has
    // started in time (cleared once one has).
    const deadline = setTimeout(
      () => ctx.abort(new GatewayError(504, 'provider_timeout', `No provider answered within the deadline of ${plan.deadlineMs} ms`)),
      plan.deadlineMs,
    )
    try {
      return await this.#run(ctx, plan, sent, sent !== body, ctx.signal, chunksNeeded)
    } finally {
      clearTimeout(deadline)
    }
  }

  async #run(ctx: RequestContext, plan: Plan, body: ChatRequest | EmbeddingRequest, bodyChanged: boolean, signal: AbortSignal, chunksNeeded: boolean): Promise<Answer> {
    let attempts = 0
    let lastError: GatewayError | undefined
    let shed = false
    for (const group of plan.groups) {
      for (const target of this.#order(group)) {
        const health = this.health.get(target.id)
        const keys = this.#keys.get(target.provider.id)!
        let tried = false
        for (let retry = 0; retry < plan.retry.attempts; ) {
          if (attempts >= plan.maxAttempts) return this.#giveUp(lastError, shed)
          if (signal.aborted) throw abortReason(signal)
          if (!health.admit()) {
            lastError ??= new GatewayError(503, 'provider_unavailable', `Provider "${target.provider.id}" is failing and paused (circuit open)`, { headers: retryAfterHeader(health.reopensAt()) })
            break
          }
          const key = keys.pick({ subset: target.keys })
          if (!key) {
            health.release()
            // Keys this request used up: the upstream's own refusal says more than "no key left".
            if (!tried || !lastError) lastError = noKeyError(target, keys)
            break
          }
          const release = this.limiter.tryAcquire(target.provider.id, target.provider.maxConcurrent)
          if (!release) {
            health.release()
            shed = true
            break
          }
          attempts++
          tried = true
          ctx.target = { provider: target.provider.id, model: target.model }
          const attempt: Attempt = { provider: target.provider.id, model: target.model, key: key.label, startedAt: Date.now() }
          ctx.attempts.push(attempt)
          const started = performance.now()
          const result = await this.#attempt(ctx, target, key, plan, body, { bodyChanged, signal, chunksNeeded }, release)
          attempt.durationMs = performance.now() - started
          if (result.ok) {
            attempt.status = 200
            health.success(performance.now() - started)
            return result.answer
          }
          const failure = result.failure
          attempt.status = failure.upstreamStatus ?? failure.error.status
          attempt.errorType = failure.error.type
          lastError = failure.error
          if (signal.aborted) {
            health.release()
            throw abortReason(signal)
          }
          const status = failure.upstreamStatus
          // Some upstreams refuse a bad key with a 400 (Gemini's API_KEY_INVALID): the adapter says so.
          if (status === 401 || status === 403 || (status !== undefined && failure.error.type === 'provider_authentication')) {
            // Our key was refused: take it out, say so, and try another key at once.
            keys.disable(key.index, Date.now() + this.#routing.keyDisableMs)
            health.release()
            this.#log.error('provider key refused; taken out of rotation', { provider: target.provider.id, key: key.label, status })
            continue
          }
          // The adapter's reading, not the raw status: a 429 that means "model not ready" (Bedrock)
          // is mapped to provider_unavailable and must not rest a key.
          if (failure.error.type === 'provider_rate_limited') {
            keys.coolDown(key.index, Date.now() + (failure.retryAfterMs ?? this.#routing.keyCooldownMs))
            health.release()
            // Another key may still have quota: no wait then, and no retry spent.
            if (keys.pick({ subset: target.keys })) continue
            retry++
            if (retry >= plan.retry.attempts) break
            const wait = failure.retryAfterMs ?? backoffDelay(retry, plan.retry)
            if (wait > plan.retry.maxDelayMs) break
            await sleep(wait, signal)
            continue
          }
          if (!failure.retryable) {
            health.release()
            throw failure.error
          }
          health.failure()
          retry++
          if (retry < plan.retry.attempts) await sleep(backoffDelay(retry, plan.retry, failure.retryAfterMs), signal)
        }
      }
    }
    return this.#giveUp(lastError, shed)
  }

  /**
   * Health-weighted order within a group: a weighted shuffle, so the first pick follows the
   * configured weights scaled by health, and the rest are the failover order.
   */
  #order(group: PlannedTarget[]): PlannedTarget[] {
    if (group.length <= 1) return group
    const healths = group.map((t) => this.health.get(t.id))
    const latencies = healths.map((h) => h.latencyMs).filter((l): l is number => l !== undefined)
    const best = latencies.length ? Math.min(...latencies) : undefined
    const pool = group.map((target, i) => ({ target, weight: target.weight * healths[i].factor(best) }))
    const order: PlannedTarget[] = []
    while (pool.length) {
      const total = pool.reduce((sum, e) => sum + e.weight, 0)
      let r = Math.random() * total
      let index = pool.findIndex((e) => (r -= e.weight) < 0)
      if (index < 0) index = pool.length - 1
      order.push(pool.splice(index, 1)[0].target)
    }
    return order
  }

  #giveUp(lastError: GatewayError | undefined, shed: boolean): never {
    if (shed && (!lastError || lastError.status === 503))
      throw new GatewayError(503, 'gateway_overloaded', 'Every provider for this model is at its concurrency limit; retry shortly', { headers: { 'retry-after': '1' } })
    throw lastError ?? new GatewayError(502, 'provider_error', 'No provider could serve the request')
  }

  async #attempt(
    ctx: RequestContext,
    target: PlannedTarget,
    key: ChosenKey,
    plan: Plan,
    body: ChatRequest | EmbeddingRequest,
    { bodyChanged, signal, chunksNeeded }: { bodyChanged: boolean; signal: AbortSignal; chunksNeeded: boolean },
    release: () => void,
  ): Promise<{ ok: true; answer: Answer } | { ok: false; failure: AttemptFailure }> {
    const call: CallInfo = { model: target.model, key: key.value, stream: ctx.request.stream, usage: ctx.request.usageRequired, format: ctx.request.format }
    let answer: Answer
    try {
      answer = await callUpstream(this.#client, ctx, target.provider, body, call, {
        signal,
        bodyChanged,
        chunksNeeded,
        timeoutMs: plan.timeoutMs ?? target.provider.timeoutMs,
        idleTimeoutMs: plan.streamIdleTimeoutMs ?? plan.timeoutMs ?? target.provider.timeoutMs,
      })
    } catch (error) {
      release()
      return { ok: false, failure: classify(error, target.provider.id, signal) }
    }
    if (answer.kind === 'json') {
      release()
      return { ok: true, answer }
    }
    // Read the first chunk inside the attempt, so a stream that dies at once still fails over.
    const iterator = answer.chunks[Symbol.asyncIterator]()
    let first: IteratorResult<SourcedChunk>
    try {
      first = await iterator.next()
    } catch (error) {
      release()
      return { ok: false, failure: classify(error, target.provider.id, signal) }
    }
    const health = this.health.get(target.id)
    return { ok: true, answer: { kind: 'stream', chunks: resumed(first, iterator, release, () => health.failure()) } }
  }
}

/**
 * The stream after its first chunk, as a plain iterator (no extra generator layer per chunk).
 * Frees the concurrency slot when the stream ends, however it ends, and counts a mid-stream
 * failure against the target's health.
 */
function resumed(first: IteratorResult<SourcedChunk>, rest: AsyncIterator<SourcedChunk>, release: () => void, onFailure: () => void): AsyncIterable<SourcedChunk> {
  let pendingFirst: IteratorResult<SourcedChunk> | undefined = first
  let finished = false
  const finish = () => {
    if (finished) return
    finished = true
    release()
  }
  const iterator: AsyncIterator<SourcedChunk> = {
    async next() {
      if (pendingFirst) {
        const value = pendingFirst
        pendingFirst = undefined
        if (value.done) finish()
        return value
      }
      if (finished) return { done: true, value: undefined }
      try {
        const next = await rest.next()
        if (next.done) finish()
        return next
      } catch (error) {
        if (!(isGatewayError(error) && error.type === 'caller_aborted')) onFailure()
        finish()
        throw error
      }
    },
    async return() {
      finish()
      await rest.return?.()
      return { done: true, value: undefined }
    },
  }
  return { [Symbol.asyncIterator]: () => iterator }
}

function classify(error: unknown, provider: string, signal: AbortSignal): AttemptFailure {
  if (isAttemptFailure(error)) return error
  const mapped = upstreamFailure(error, provider, signal)
  if (!mapped) {
    // A bug in an adapter or in core: not the upstream's fault, not worth a retry.
    const message = error instanceof Error ? error.message : String(error)
    return { error: new GatewayError(500, 'gateway_internal', `Provider adapter "${provider}" failed: ${message}`, { cause: error }), retryable: false }
  }
  // Network failures, timeouts and garbage answers may pass; refusals (4xx) will not.
  const retryable = mapped.type !== 'caller_aborted' && (mapped.status >= 500 || mapped.type === 'provider_timeout')
  return { error: mapped, retryable }
}

function isAttemptFailure(value: unknown): value is AttemptFailure {
  return !!value && typeof value === 'object' && 'error' in value && 'retryable' in value && isGatewayError((value as AttemptFailure).error)
}

function noKeyError(target: PlannedTarget, keys: KeyPool): GatewayError {
  const wake = keys.nextWake()
  if (wake !== undefined)
    return new GatewayError(429, 'provider_rate_limited', `Every key of provider "${target.provider.id}" is rate limited`, { headers: retryAfterHeader(wake) })
  return new GatewayError(502, 'provider_authentication', `Provider "${target.provider.id}" has no usable key (refused by the upstream)`)
}

function retryAfterHeader(at: number | undefined): Record<string, string> {
  return at === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil((at - Date.now()) / 1000))) }
}

function abortReason(signal: AbortSignal): GatewayError {
  const reason: unknown = signal.reason
  return isGatewayError(reason) ? reason : new GatewayError(499, 'caller_aborted', 'The client closed the request')
}

