import type { CacheEntry } from './entry.js'

/** A cache instance as the other instances on its store see it. */
export interface Sibling {
  /** Its live entries. */
  entries(): Iterable<CacheEntry>
  /** Takes an entry another instance stored. */
  adopt(entry: CacheEntry): void
}

export interface Siblings {
  /** Copies of what the other instances hold now. */
  inherit(): CacheEntry[]
  /** Hands a stored entry to the other instances. */
  publish(entry: CacheEntry): void
  leave(): void
}

// Cache instances of one process on one store. A config reload builds a new instance while the
// old one finishes its requests in flight: the new one starts with what the old one holds (some
// of it not yet written to SQLite) and takes what the old one stores until it closes, so no
// answer produced across a reload is lost to the cache.
const groups = new Map<string, Set<Sibling>>()

export function joinSiblings(store: string, self: Sibling): Siblings {
  let group = groups.get(store)
  if (!group) groups.set(store, (group = new Set()))
  group.add(self)
  const others = () => [...group].filter((s) => s !== self)
  return {
    inherit: () => others().flatMap((s) => [...s.entries()].map((e) => ({ ...e }))),
    publish(entry) {
      for (const s of others()) s.adopt({ ...entry })
    },
    leave() {
      group.delete(self)
      if (group.size === 0 && groups.get(store) === group) groups.delete(store)
    },
  }
}
