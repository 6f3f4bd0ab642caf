import type { ProviderKey } from '@sluice/sdk'
import { maskSecret } from '@sluice/sdk'

/** A key with the name it goes by in logs and records (never the secret). */
export interface ChosenKey {
  value: string
  label: string
}

/** Weighted random choice over a provider's keys; precomputed so a pick is one random draw. */
export class KeyPicker {
  readonly #keys: ChosenKey[]
  readonly #cumulative: number[]
  readonly #total: number

  constructor(keys: readonly ProviderKey[]) {
    this.#keys = keys.map((k) => ({ value: k.value, label: k.id ?? maskSecret(k.value) }))
    let sum = 0
    this.#cumulative = keys.map((k) => (sum += k.weight > 0 ? k.weight : 0))
    this.#total = sum
  }

  get size(): number {
    return this.#keys.length
  }

  pick(random: () => number = Math.random): ChosenKey | undefined {
    if (this.#keys.length <= 1 || this.#total <= 0) return this.#keys[0]
    const r = random() * this.#total
    for (let i = 0; i < this.#cumulative.length; i++) if (r < this.#cumulative[i]) return this.#keys[i]
    return this.#keys[this.#keys.length - 1]
  }
}
