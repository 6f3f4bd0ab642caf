import type { ProviderKey } from '@sluice/sdk'
import { maskSecret } from '@sluice/sdk'

/** A key with the name it goes by in logs and records (never the secret). */
export interface ChosenKey {
  index: number
  value: string
  label: string
}

interface KeyState extends ChosenKey {
  weight: number
  id: string | undefined
  /** Resting until this time (epoch ms) after a 429. */
  coolUntil: number
  /** Refused by the upstream (401/403): out until this time (epoch ms), then tried again. */
  disabledUntil: number
}

/**
 * A provider's keys: weighted random choice among the usable ones. A key answering 429 rests
 * for its retry-after; one answering 401/403 is taken out for a while (routing.keyDisableMs).
 */
export class KeyPool {
  readonly #keys: KeyState[]

  constructor(keys: readonly ProviderKey[]) {
    this.#keys = keys.map((k, index) => ({ index, value: k.value, label: k.id ?? maskSecret(k.value), id: k.id, weight: k.weight > 0 ? k.weight : 0, coolUntil: 0, disabledUntil: 0 }))
  }

  get size(): number {
    return this.#keys.length
  }

  /**
   * A usable key, by weight, among `subset` ids when given, skipping `exclude` (keys this
   * request already tried). Undefined when none is usable; a provider with no keys at all gets
   * an empty key (local upstreams need none).
   */
  pick(options: { subset?: readonly string[]; exclude?: ReadonlySet<number>; now?: number; random?: () => number } = {}): ChosenKey | undefined {
    if (this.#keys.length === 0) return { index: -1, value: '', label: 'none' }
    const now = options.now ?? Date.now()
    let total = 0
    const usable: KeyState[] = []
    for (const key of this.#keys) {
      if (key.disabledUntil > now || key.coolUntil > now || key.weight === 0) continue
      if (options.subset && !(key.id !== undefined && options.subset.includes(key.id))) continue
      if (options.exclude?.has(key.index)) continue
      usable.push(key)
      total += key.weight
    }
    if (usable.length === 0) return undefined
    if (usable.length === 1) return usable[0]
    let r = (options.random ?? Math.random)() * total
    for (const key of usable) if ((r -= key.weight) < 0) return key
    return usable[usable.length - 1]
  }

  coolDown(index: number, untilMs: number): void {
    const key = this.#keys[index]
    if (key) key.coolUntil = Math.max(key.coolUntil, untilMs)
  }

  /** Takes a refused key out until `untilMs`: a rotated or re-enabled key comes back by itself. */
  disable(index: number, untilMs: number): void {
    const key = this.#keys[index]
    if (key) key.disabledUntil = Math.max(key.disabledUntil, untilMs)
  }

  /** When the next resting key wakes up (epoch ms), if any key rests. */
  nextWake(now = Date.now()): number | undefined {
    const times = this.#keys.filter((k) => k.disabledUntil <= now && k.coolUntil > now).map((k) => k.coolUntil)
    return times.length ? Math.min(...times) : undefined
  }

  /** Labels and state, for health endpoints (never the key). */
  describe(now = Date.now()): { label: string; state: 'ok' | 'cooling' | 'disabled' }[] {
    return this.#keys.map((k) => ({ label: k.label, state: k.disabledUntil > now ? 'disabled' : k.coolUntil > now ? 'cooling' : 'ok' }))
  }
}
