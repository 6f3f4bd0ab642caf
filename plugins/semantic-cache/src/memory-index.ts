import type { CacheEntry } from './entry.js'
import { PartitionVectors } from './partition-vectors.js'

export interface IndexLimits {
  maxEntries: number
  maxBytes: number
}

/**
 * The in-memory cache of one node: exact lookups by key, semantic lookups by brute-force cosine
 * over the vectors of one partition (namespace + context digest), least-recently-used eviction
 * past `maxEntries` or `maxBytes`, expiry checked on read and swept periodically.
 *
 * Brute force is deliberate: a partition holds the paraphrases of one conversation context of
 * one tenant, usually a few to a few thousand vectors, kept in one contiguous Float32Array.
 */
export class MemoryIndex {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #byKey = new Map<string, CacheEntry>()
  readonly #partitions = new Map<string, PartitionVectors>()
  readonly #limits: IndexLimits
  readonly #now: () => number
  readonly #onEvict: (entry: CacheEntry) => void
  #bytes = 0

  constructor(limits: IndexLimits, options: { now?: () => number; onEvict?: (entry: CacheEntry) => void } = {}) {
    this.#limits = limits
    this.#now = options.now ?? Date.now
    this.#onEvict = options.onEvict ?? (() => {})
  }

  get size(): number {
    return this.#byKey.size
  }

  get bytes(): number {
    return this.#bytes
  }

  /** The live entry under `key`, marked as recently used. */
  get(key: string): CacheEntry | undefined {
    const entry = this.#byKey.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.#now()) {
      this.delete(key)
      return undefined
    }
    this.#touch(entry)
    return entry
  }

  /** The live entries, least recently used first, without marking them as used. */
  *entries(): IterableIterator<CacheEntry> {
    const now = this.#now()
    for (const entry of this.#byKey.values()) if (entry.expiresAt > now) yield entry
  }

  /** The entry under `key`, live or not, without marking it as used. */
  peek(key: string): CacheEntry | undefined {
    return this.#byKey.get(key)
  }

  /**
   * The most similar live entry of the partition, with its cosine similarity. Not marked as used:
   * the caller decides whether the score makes it a hit (then `touch`).
   */
  nearest(partition: string, vector: Float32Array): { entry: CacheEntry; score: number } | undefined {
    const group = this.#partitions.get(partition)
    if (!group) return undefined
    const now = this.#now()
    const expired: CacheEntry[] = []
    const found = group.best(vector, (entry) => {
      if (entry.expiresAt > now) return true
      expired.push(entry)
      return false
    })
    for (const entry of expired) this.delete(entry.key)
    return found
  }

  /**
   * Adds or replaces an entry, then evicts the least recently used past the limits. An entry
   * bigger than `maxBytes` alone is not kept: it would empty the cache and still break the limit.
   */
  set(entry: CacheEntry): void {
    if (entry.expiresAt <= this.#now() || entry.bytes > this.#limits.maxBytes) return
    this.delete(entry.key)
    this.#byKey.set(entry.key, entry)
    this.#bytes += entry.bytes
    if (entry.partition && entry.vector) this.#addVector(entry, entry.partition, entry.vector)
    this.#evict()
  }

  /**
   * Gives a held entry its vector once computed (an answer stored with `no-cache` is embedded
   * after it went out). False when the entry left meanwhile.
   */
  attachVector(entry: CacheEntry, partition: string, vector: Float32Array): boolean {
    if (this.#byKey.get(entry.key) !== entry) return false
    this.#bytes -= entry.bytes
    entry.partition = partition
    entry.vector = vector
    entry.bytes += vector.byteLength
    this.#bytes += entry.bytes
    this.#addVector(entry, partition, vector)
    this.#evict()
    return true
  }

  delete(key: string): boolean {
    const entry = this.#byKey.get(key)
    if (!entry) return false
    this.#byKey.delete(key)
    this.#bytes -= entry.bytes
    if (entry.partition) {
      const group = this.#partitions.get(entry.partition)
      group?.remove(entry)
      if (group && group.size === 0) this.#partitions.delete(entry.partition)
    }
    return true
  }

  /** Drops expired entries; returns how many. */
  sweep(): number {
    const now = this.#now()
    let n = 0
    for (const entry of [...this.#byKey.values()]) if (entry.expiresAt <= now && this.delete(entry.key)) n++
    return n
  }

  clear(): void {
    this.#byKey.clear()
    this.#partitions.clear()
    this.#bytes = 0
  }

  /** Drops the least recently used entries until the limits hold. */
  #evict(): void {
    while (this.#byKey.size > 0 && (this.#byKey.size > this.#limits.maxEntries || this.#bytes > this.#limits.maxBytes)) {
      const oldest = this.#byKey.values().next().value as CacheEntry
      this.delete(oldest.key)
      this.#onEvict(oldest)
    }
  }

  #addVector(entry: CacheEntry, partition: string, vector: Float32Array): void {
    let group = this.#partitions.get(partition)
    if (!group) this.#partitions.set(partition, (group = new PartitionVectors()))
    group.add(entry, vector)
  }

  /** Marks a held entry as recently used. */
  touch(entry: CacheEntry): void {
    if (this.#byKey.get(entry.key) === entry) this.#touch(entry)
  }

  #touch(entry: CacheEntry): void {
    this.#byKey.delete(entry.key)
    this.#byKey.set(entry.key, entry)
  }
}

/** Scales a vector to unit length in place (the cosine is then a dot product). */
export function normalize(v: Float32Array): Float32Array {
  let n = 0
  for (let i = 0; i < v.length; i++) n += v[i] * v[i]
  n = Math.sqrt(n)
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n
  return v
}
