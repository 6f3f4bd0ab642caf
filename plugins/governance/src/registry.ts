import type { Customer, EntityKind, Team, VirtualKey } from './model.js'
import type { DefinitionStore, EntityOf } from './store/definitions.js'

const UNKNOWN_TTL_MS = 2000
const UNKNOWN_MAX = 10_000

/**
 * Every key, team and customer in memory, so authenticating a request is one hash and one map
 * lookup. Config-declared entities sit over the stored ones (GitOps wins). With several nodes the
 * store announces changes and the copy follows; a key this node has not seen yet (made a moment
 * ago on another node) is looked up in the store once.
 */
export class Registry {
  readonly #store: DefinitionStore
  readonly #declared: { keys: VirtualKey[]; teams: Team[]; customers: Customer[] }
  #byHash = new Map<string, VirtualKey>()
  #keys = new Map<string, VirtualKey>()
  #teams = new Map<string, Team>()
  #customers = new Map<string, Customer>()
  /** Hashes the store did not know, until when: a flood of made-up keys costs one lookup each per window, not one per request. */
  #unknown = new Map<string, number>()

  constructor(store: DefinitionStore, declared: { keys: VirtualKey[]; teams: Team[]; customers: Customer[] }) {
    this.#store = store
    this.#declared = declared
  }

  async start(): Promise<void> {
    await this.#store.watch?.(
      (kind, id) => void this.refresh(kind, id).catch(() => undefined),
      () => void this.reload().catch(() => undefined),
    )
    await this.reload()
  }

  async reload(): Promise<void> {
    const stored = await this.#store.loadAll()
    const keys = new Map(stored.keys.map((k) => [k.id, k]))
    const teams = new Map(stored.teams.map((t) => [t.id, t]))
    const customers = new Map(stored.customers.map((c) => [c.id, c]))
    for (const k of this.#declared.keys) keys.set(k.id, k)
    for (const t of this.#declared.teams) teams.set(t.id, t)
    for (const c of this.#declared.customers) customers.set(c.id, c)
    this.#keys = keys
    this.#teams = teams
    this.#customers = customers
    this.#byHash = new Map([...keys.values()].map((k) => [k.hash, k]))
    this.#unknown.clear()
  }

  /** Another node changed an entity: read it again. */
  async refresh(kind: EntityKind, id: string): Promise<void> {
    if (this.isDeclared(kind, id)) return
    const fresh = await this.#store.get(kind, id)
    this.#apply(kind, id, fresh)
  }

  keyByHashNow(hash: string): VirtualKey | undefined {
    return this.#byHash.get(hash)
  }

  /** Not in memory: ask the store (a key made on another node a moment ago). */
  async keyByHash(hash: string): Promise<VirtualKey | undefined> {
    const found = this.#byHash.get(hash)
    if (found) return found
    const until = this.#unknown.get(hash)
    if (until !== undefined && until > Date.now()) return undefined
    const stored = await this.#store.keyByHash(hash)
    if (stored) this.#apply('key', stored.id, stored)
    else {
      if (this.#unknown.size >= UNKNOWN_MAX) this.#unknown.clear()
      this.#unknown.set(hash, Date.now() + UNKNOWN_TTL_MS)
    }
    return stored
  }

  get<K extends EntityKind>(kind: K, id: string): EntityOf[K] | undefined {
    return this.#map(kind).get(id) as EntityOf[K] | undefined
  }

  list<K extends EntityKind>(kind: K): EntityOf[K][] {
    return [...this.#map(kind).values()] as EntityOf[K][]
  }

  isDeclared(kind: EntityKind, id: string): boolean {
    const list = kind === 'key' ? this.#declared.keys : kind === 'team' ? this.#declared.teams : this.#declared.customers
    return list.some((e) => e.id === id)
  }

  async put<K extends EntityKind>(kind: K, entity: EntityOf[K]): Promise<void> {
    await this.#store.put(kind, entity)
    this.#apply(kind, entity.id, entity)
  }

  async remove(kind: EntityKind, id: string): Promise<void> {
    await this.#store.remove(kind, id)
    this.#apply(kind, id, undefined)
  }

  #map(kind: EntityKind): Map<string, VirtualKey | Team | Customer> {
    return kind === 'key' ? this.#keys : kind === 'team' ? this.#teams : this.#customers
  }

  #apply(kind: EntityKind, id: string, entity: VirtualKey | Team | Customer | undefined): void {
    if (kind === 'key') {
      // A key announced (made here or on another node) is served at once, not after the window.
      if (entity) this.#unknown.delete((entity as VirtualKey).hash)
      const previous = this.#keys.get(id)
      if (previous) this.#byHash.delete(previous.hash)
      if (entity) this.#byHash.set((entity as VirtualKey).hash, entity as VirtualKey)
    }
    const map = this.#map(kind)
    if (entity) map.set(id, entity)
    else map.delete(id)
  }
}
