import type { CacheEntry } from './entry.js'

/**
 * The vectors of one partition in one contiguous Float32Array (row per entry), so a lookup is a
 * tight dot-product scan over memory in order. Removal moves the last row into the hole.
 */
export class PartitionVectors {
  #dim = 0
  #rows = new Float32Array(0)
  readonly #entries: CacheEntry[] = []
  readonly #slots = new Map<CacheEntry, number>()

  get size(): number {
    return this.#entries.length
  }

  /** False when the vector's size differs from the partition's (it is then not searchable). */
  add(entry: CacheEntry, vector: Float32Array): boolean {
    if (this.#slots.has(entry)) this.remove(entry)
    if (this.#entries.length === 0) this.#dim = vector.length
    if (vector.length !== this.#dim || this.#dim === 0) return false
    const n = this.#entries.length
    if ((n + 1) * this.#dim > this.#rows.length) {
      const grown = new Float32Array(Math.max(16, n * 2) * this.#dim)
      grown.set(this.#rows.subarray(0, n * this.#dim))
      this.#rows = grown
    }
    this.#rows.set(vector, n * this.#dim)
    this.#entries.push(entry)
    this.#slots.set(entry, n)
    return true
  }

  remove(entry: CacheEntry): void {
    const slot = this.#slots.get(entry)
    if (slot === undefined) return
    const last = this.#entries.length - 1
    if (slot !== last) {
      this.#rows.copyWithin(slot * this.#dim, last * this.#dim, (last + 1) * this.#dim)
      this.#entries[slot] = this.#entries[last]
      this.#slots.set(this.#entries[slot], slot)
    }
    this.#entries.pop()
    this.#slots.delete(entry)
    // Give memory back when the partition shrank to a quarter.
    if (this.#rows.length > 64 * this.#dim && this.#entries.length * 4 < this.#rows.length / this.#dim)
      this.#rows = this.#rows.slice(0, this.#entries.length * 2 * this.#dim)
  }

  /** The entry with the highest dot product (cosine, for unit vectors) that `live` accepts. */
  best(query: Float32Array, live: (entry: CacheEntry) => boolean): { entry: CacheEntry; score: number } | undefined {
    const dim = this.#dim
    if (query.length !== dim) return undefined
    const rows = this.#rows
    let best: CacheEntry | undefined
    let bestScore = -Infinity
    for (let i = 0, offset = 0; i < this.#entries.length; i++, offset += dim) {
      let s = 0
      for (let d = 0; d < dim; d++) s += query[d] * rows[offset + d]
      if (s > bestScore && live(this.#entries[i])) {
        bestScore = s
        best = this.#entries[i]
      }
    }
    return best && { entry: best, score: bestScore }
  }

  entries(): readonly CacheEntry[] {
    return this.#entries
  }
}
