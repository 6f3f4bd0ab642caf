export type CircuitState = 'closed' | 'open' | 'half-open'

export interface CircuitOptions {
  failureThreshold: number
  cooldownMs: number
}

const ALPHA = 0.2

/**
 * Health of one target (provider + model): moving averages of time to first byte and of the
 * error rate, and a circuit breaker. Open after `failureThreshold` consecutive failures; after
 * `cooldownMs`, one probe request is let through (half-open); its success closes the circuit.
 */
export class TargetHealth {
  latencyMs: number | undefined
  errorRate = 0
  consecutiveFailures = 0
  state: CircuitState = 'closed'
  #openedAt = 0
  #probing = false
  readonly #options: CircuitOptions

  constructor(options: CircuitOptions) {
    this.#options = options
  }

  /** May a request go to this target now? A half-open circuit admits one probe at a time. */
  admit(now = Date.now()): boolean {
    if (this.state === 'closed') return true
    if (this.state === 'open') {
      if (now - this.#openedAt < this.#options.cooldownMs) return false
      this.state = 'half-open'
      this.#probing = false
    }
    if (this.#probing) return false
    this.#probing = true
    return true
  }

  /** When an open circuit will admit a probe (epoch ms). */
  reopensAt(): number | undefined {
    return this.state === 'open' ? this.#openedAt + this.#options.cooldownMs : undefined
  }

  success(latencyMs: number): void {
    this.latencyMs = this.latencyMs === undefined ? latencyMs : this.latencyMs + ALPHA * (latencyMs - this.latencyMs)
    this.errorRate += ALPHA * (0 - this.errorRate)
    this.consecutiveFailures = 0
    this.state = 'closed'
    this.#probing = false
  }

  failure(now = Date.now()): void {
    this.errorRate += ALPHA * (1 - this.errorRate)
    this.consecutiveFailures++
    if (this.state === 'half-open' || this.consecutiveFailures >= this.#options.failureThreshold) {
      this.state = 'open'
      this.#openedAt = now
    }
    this.#probing = false
  }

  /** The probe went nowhere (e.g. the client left): let another one through. */
  release(): void {
    this.#probing = false
  }

  /**
   * How much of its configured weight this target deserves now: falls with the error rate
   * (squared, so a flaky target loses traffic fast) and with latency against the fastest peer.
   */
  factor(bestLatencyMs: number | undefined): number {
    const reliability = Math.max(0.01, (1 - this.errorRate) ** 2)
    if (bestLatencyMs === undefined || this.latencyMs === undefined || this.latencyMs <= 0) return reliability
    return reliability * Math.sqrt(Math.min(1, bestLatencyMs / this.latencyMs))
  }
}

/** Health per target id, created on first use. */
export class HealthBook {
  readonly #targets = new Map<string, TargetHealth>()
  readonly #options: CircuitOptions

  constructor(options: CircuitOptions) {
    this.#options = options
  }

  get(id: string): TargetHealth {
    let health = this.#targets.get(id)
    if (!health) {
      health = new TargetHealth(this.#options)
      this.#targets.set(id, health)
    }
    return health
  }

  snapshot(): Record<string, { state: CircuitState; errorRate: number; latencyMs: number | undefined }> {
    return Object.fromEntries([...this.#targets].map(([id, h]) => [id, { state: h.state, errorRate: Number(h.errorRate.toFixed(3)), latencyMs: h.latencyMs === undefined ? undefined : Math.round(h.latencyMs) }]))
  }
}
