import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { EntryRecord } from './entry.js'

interface Row {
  key: string
  namespace: string
  partition: string | null
  vector: Buffer | null
  response: string
  cost_usd: number | null
  created_at: number
  expires_at: number
}

/**
 * Entries persisted in one SQLite file (WAL) so a restarted node keeps its cache. Writes are
 * queued and flushed in one transaction on the next turn of the event loop, never on the
 * request's path.
 */
export class SqliteEntryStore {
  readonly #db: Database.Database
  readonly #flushBatch: (puts: EntryRecord[], deletes: string[]) => void
  #puts = new Map<string, EntryRecord>()
  #deletes = new Set<string>()
  #scheduled: NodeJS.Immediate | undefined
  readonly #onError: (error: unknown) => void

  constructor(file: string, onError: (error: unknown) => void = () => {}) {
    this.#onError = onError
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS cache_entries (
        key TEXT PRIMARY KEY, namespace TEXT NOT NULL, partition TEXT, vector BLOB, response TEXT NOT NULL,
        cost_usd REAL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS cache_entries_expires ON cache_entries (expires_at);
      CREATE INDEX IF NOT EXISTS cache_entries_created ON cache_entries (created_at);
    `)
    const upsert = this.#db.prepare(
      'INSERT OR REPLACE INTO cache_entries (key, namespace, partition, vector, response, cost_usd, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const remove = this.#db.prepare('DELETE FROM cache_entries WHERE key = ?')
    this.#flushBatch = this.#db.transaction((puts: EntryRecord[], deletes: string[]) => {
      for (const key of deletes) remove.run(key)
      for (const r of puts)
        upsert.run(r.key, r.namespace, r.partition ?? null, r.vector ? Buffer.from(r.vector, 'base64') : null, r.response, r.costUsd ?? null, r.createdAt, r.expiresAt)
    })
  }

  /** Live entries, most recent first, at most `limit`. */
  load(now: number, limit: number): EntryRecord[] {
    const rows = this.#db.prepare('SELECT * FROM cache_entries WHERE expires_at > ? ORDER BY created_at DESC LIMIT ?').all(now, limit) as Row[]
    return rows.map((r) => ({
      key: r.key,
      namespace: r.namespace,
      partition: r.partition ?? undefined,
      vector: r.vector ? r.vector.toString('base64') : undefined,
      response: r.response,
      costUsd: r.cost_usd ?? undefined,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    }))
  }

  put(record: EntryRecord): void {
    // A request that outlived a reload or shutdown: its entry is not worth an error.
    if (!this.#db.open) return
    this.#deletes.delete(record.key)
    this.#puts.set(record.key, record)
    this.#schedule()
  }

  delete(key: string): void {
    if (!this.#db.open) return
    this.#puts.delete(key)
    this.#deletes.add(key)
    this.#schedule()
  }

  /** Deletes expired rows now; returns how many. */
  deleteExpired(now: number): number {
    return this.#db.prepare('DELETE FROM cache_entries WHERE expires_at <= ?').run(now).changes
  }

  /** Writes whatever is queued. */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled)
    this.#scheduled = undefined
    if (!this.#puts.size && !this.#deletes.size) return
    const puts = [...this.#puts.values()]
    const deletes = [...this.#deletes]
    this.#puts = new Map()
    this.#deletes = new Set()
    this.#flushBatch(puts, deletes)
  }

  close(): void {
    if (!this.#db.open) return
    this.flush()
    this.#db.close()
  }

  #schedule(): void {
    this.#scheduled ??= setImmediate(() => {
      try {
        this.flush()
      } catch (error) {
        this.#onError(error)
      }
    })
  }
}
