/**
 * Keeps a label's cardinality bounded: the first `max` distinct values are kept, later ones are
 * reported as `other` (a client may name any model as `provider/<anything>`).
 */
export class BoundedLabel {
  readonly #seen = new Set<string>()
  readonly #max: number

  constructor(max: number) {
    this.#max = max
  }

  value(raw: string | undefined): string {
    if (!raw) return 'none'
    if (this.#seen.has(raw)) return raw
    if (this.#seen.size >= this.#max) return 'other'
    this.#seen.add(raw)
    return raw
  }
}
