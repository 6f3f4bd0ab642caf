import type { Customer, EntityKind, Team, VirtualKey } from '../model.js'

export interface EntityOf {
  key: VirtualKey
  team: Team
  customer: Customer
}

/** Where keys, teams and customers are kept. */
export interface DefinitionStore {
  loadAll(): Promise<{ keys: VirtualKey[]; teams: Team[]; customers: Customer[] }>
  put<K extends EntityKind>(kind: K, entity: EntityOf[K]): Promise<void>
  remove(kind: EntityKind, id: string): Promise<void>
  /** A key by the hash of its secret, straight from the store (one made on another node). */
  keyByHash(hash: string): Promise<VirtualKey | undefined>
  get<K extends EntityKind>(kind: K, id: string): Promise<EntityOf[K] | undefined>
  /** Several nodes: told when another node changed an entity, and when announcements may have been missed. */
  watch?(onChange: (kind: EntityKind, id: string) => void, onResync?: () => void): Promise<void>
  close(): Promise<void>
}
