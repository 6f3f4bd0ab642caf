import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { CounterPersistence } from '../ledger-memory.js'
import type { EntityKind, VirtualKey } from '../model.js'
import type { DefinitionStore, EntityOf } from './definitions.js'

const TABLE: Record<EntityKind, string> = { key: 'virtual_keys', team: 'teams', customer: 'customers' }

/**
 * The embedded store: one SQLite file (WAL) with keys, teams, customers and the ledger's
 * counters. Definitions are written at once (admin calls are rare); counters in batches.
 */
export class SqliteStore implements DefinitionStore, CounterPersistence {
  readonly #db: Database.Database
  readonly #saveRows: (rows: [string, number, number][], now: number) => void

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS virtual_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS teams (id TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS customers (id TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL, expire_at INTEGER);
    `)
    const upsert = this.#db.prepare('INSERT INTO counters (name, value, expire_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, expire_at = excluded.expire_at')
    const purge = this.#db.prepare('DELETE FROM counters WHERE expire_at IS NOT NULL AND expire_at <= ?')
    this.#saveRows = this.#db.transaction((rows: [string, number, number][], now: number) => {
      for (const [name, value, expireAt] of rows) upsert.run(name, value, Number.isFinite(expireAt) ? expireAt : null)
      purge.run(now)
    })
  }

  async loadAll(): Promise<{ keys: VirtualKey[]; teams: EntityOf['team'][]; customers: EntityOf['customer'][] }> {
    const all = <T>(table: string) => (this.#db.prepare(`SELECT body FROM ${table}`).all() as { body: string }[]).map((r) => JSON.parse(r.body) as T)
    return { keys: all('virtual_keys'), teams: all('teams'), customers: all('customers') }
  }

  async put<K extends EntityKind>(kind: K, entity: EntityOf[K]): Promise<void> {
    if (kind === 'key') {
      const key = entity as VirtualKey
      this.#db.prepare('INSERT INTO virtual_keys (id, hash, body) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, body = excluded.body').run(key.id, key.hash, JSON.stringify(key))
    } else this.#db.prepare(`INSERT INTO ${TABLE[kind]} (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body`).run(entity.id, JSON.stringify(entity))
  }

  async remove(kind: EntityKind, id: string): Promise<void> {
    this.#db.prepare(`DELETE FROM ${TABLE[kind]} WHERE id = ?`).run(id)
  }

  async keyByHash(hash: string): Promise<VirtualKey | undefined> {
    const row = this.#db.prepare('SELECT body FROM virtual_keys WHERE hash = ?').get(hash) as { body: string } | undefined
    return row && (JSON.parse(row.body) as VirtualKey)
  }

  async get<K extends EntityKind>(kind: K, id: string): Promise<EntityOf[K] | undefined> {
    const row = this.#db.prepare(`SELECT body FROM ${TABLE[kind]} WHERE id = ?`).get(id) as { body: string } | undefined
    return row && (JSON.parse(row.body) as EntityOf[K])
  }

  load(now: number): [string, number, number][] {
    const rows = this.#db.prepare('SELECT name, value, expire_at FROM counters WHERE expire_at IS NULL OR expire_at > ?').all(now) as { name: string; value: number; expire_at: number | null }[]
    return rows.map((r) => [r.name, r.value, r.expire_at ?? Number.POSITIVE_INFINITY])
  }

  save(rows: [string, number, number][], now: number): void {
    this.#saveRows(rows, now)
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
  }
}
