import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

/** One request, as stored. */
export interface LogRow {
  id: string
  ts: number
  path: string
  operation: string
  key_id: string | null
  team: string | null
  customer: string | null
  provider: string | null
  model: string | null
  requested_model: string
  status: number
  error_type: string | null
  stream: number
  finish_reason: string | null
  input_tokens: number | null
  output_tokens: number | null
  cached_tokens: number | null
  total_ms: number
  upstream_ms: number | null
  first_byte_ms: number | null
  attempts: number
  short_circuited: number
  client_aborted: number
  prompt: string | null
  answer: string | null
}

export interface LogFilter {
  from?: number
  to?: number
  key?: string
  team?: string
  customer?: string
  model?: string
  provider?: string
  status?: number
  errorType?: string
}

const COLUMNS = ['id', 'ts', 'path', 'operation', 'key_id', 'team', 'customer', 'provider', 'model', 'requested_model', 'status', 'error_type', 'stream', 'finish_reason', 'input_tokens', 'output_tokens', 'cached_tokens', 'total_ms', 'upstream_ms', 'first_byte_ms', 'attempts', 'short_circuited', 'client_aborted', 'prompt', 'answer'] as const

/**
 * The embedded store: one SQLite file (WAL), an index per documented filter (each with the
 * time), keyset pagination on (ts, id) so a page costs the same at any depth.
 */
export class LogStore {
  readonly #db: Database.Database
  readonly #insert: Database.Statement
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
        input_tokens INTEGER, output_tokens INTEGER, cached_tokens INTEGER,
        total_ms REAL NOT NULL, upstream_ms REAL, first_byte_ms REAL, attempts INTEGER NOT NULL,
        short_circuited INTEGER NOT NULL, client_aborted INTEGER NOT NULL, prompt TEXT, answer TEXT
      );
      CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts, id);
      CREATE INDEX IF NOT EXISTS requests_key ON requests (key_id, ts, id);
      CREATE INDEX IF NOT EXISTS requests_team ON requests (team, ts, id);
      CREATE INDEX IF NOT EXISTS requests_customer ON requests (customer, ts, id);
      CREATE INDEX IF NOT EXISTS requests_model ON requests (model, ts, id);
      CREATE INDEX IF NOT EXISTS requests_provider ON requests (provider, ts, id);
      CREATE INDEX IF NOT EXISTS requests_status ON requests (status, ts, id);
    `)
    this.#insert = this.#db.prepare(`INSERT OR IGNORE INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`)
    this.#insertMany = this.#db.transaction((rows: LogRow[]) => {
      for (const row of rows) this.#insert.run(row)
    })
  }

  insert(rows: LogRow[]): void {
    if (rows.length) this.#insertMany(rows)
  }

  /** Newest first; `cursor` is the (ts, id) of the last row of the previous page. */
  query(filter: LogFilter, limit: number, cursor?: { ts: number; id: string }): LogRow[] {
    const where: string[] = []
    const params: Record<string, unknown> = { limit }
    const eq = (column: string, name: keyof LogFilter) => {
      if (filter[name] === undefined) return
      where.push(`${column} = @${name}`)
      params[name] = filter[name]
    }
    eq('key_id', 'key')
    eq('team', 'team')
    eq('customer', 'customer')
    eq('model', 'model')
    eq('provider', 'provider')
    eq('status', 'status')
    eq('error_type', 'errorType')
    if (filter.from !== undefined) (where.push('ts >= @from'), (params.from = filter.from))
    if (filter.to !== undefined) (where.push('ts < @to'), (params.to = filter.to))
    if (cursor) {
      where.push('(ts < @cts OR (ts = @cts AND id < @cid))')
      params.cts = cursor.ts
      params.cid = cursor.id
    }
    const sql = `SELECT * FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, id DESC LIMIT @limit`
    return this.#db.prepare(sql).all(params) as LogRow[]
  }

  /** Deletes rows older than `before` (epoch ms); returns how many. */
  deleteBefore(before: number): number {
    return this.#db.prepare('DELETE FROM requests WHERE ts < ?').run(before).changes
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n
  }

  close(): void {
    this.#db.close()
  }
}
