import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { COLUMNS, INDEXES, whereOf } from './store.js'
import type { LogFilter, LogRow, LogStore } from './store.js'

/**
 * The embedded store: one SQLite file (WAL), an index per documented filter (each with the
 * time), keyset pagination on (ts, id) so a page costs the same at any depth.
 */
export class SqliteLogStore implements LogStore {
  readonly #db: Database.Database
  readonly #insertMany: (rows: LogRow[]) => void

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS requests (
        id TEXT PRIMARY KEY, ts INTEGER NOT NULL, path TEXT NOT NULL, operation TEXT NOT NULL,
        key_id TEXT, team TEXT, customer TEXT, provider TEXT, model TEXT, requested_model TEXT NOT NULL,
        status INTEGER NOT NULL, error_type TEXT, stream INTEGER NOT NULL, finish_reason TEXT,
        input_tokens INTEGER, output_tokens INTEGER, cached_tokens INTEGER, cost_usd REAL,
        total_ms REAL NOT NULL, upstream_ms REAL, first_byte_ms REAL, attempts INTEGER NOT NULL,
        short_circuited INTEGER NOT NULL, client_aborted INTEGER NOT NULL, prompt TEXT, answer TEXT, extra TEXT
      );
      ${INDEXES.map((cols, i) => `CREATE INDEX IF NOT EXISTS requests_i${i} ON requests (${cols});`).join('\n')}
    `)
    // Files made before these columns: add them.
    const columns = this.#db.prepare('PRAGMA table_info(requests)').all() as { name: string }[]
    if (!columns.some((c) => c.name === 'cost_usd')) this.#db.exec('ALTER TABLE requests ADD COLUMN cost_usd REAL')
    if (!columns.some((c) => c.name === 'extra')) this.#db.exec('ALTER TABLE requests ADD COLUMN extra TEXT')
    const insert = this.#db.prepare(`INSERT OR IGNORE INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`)
    this.#insertMany = this.#db.transaction((rows: LogRow[]) => {
      for (const row of rows) insert.run(row)
    })
  }

  async insert(rows: LogRow[]): Promise<void> {
    if (rows.length) this.#insertMany(rows)
  }

  async query(filter: LogFilter, limit: number, cursor?: { ts: number; id: string }): Promise<LogRow[]> {
    const params: unknown[] = []
    const where = whereOf(filter, cursor, (value) => (params.push(value), '?'))
    return this.#db.prepare(`SELECT * FROM requests ${where} ORDER BY ts DESC, id DESC LIMIT ?`).all(...params, limit) as LogRow[]
  }

  async deleteBefore(before: number): Promise<number> {
    return this.#db.prepare('DELETE FROM requests WHERE ts < ?').run(before).changes
  }

  async count(): Promise<number> {
    return (this.#db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}
