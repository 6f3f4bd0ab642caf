import pg from 'pg'
import { COLUMNS, INDEXES, whereOf } from './store.js'
import type { LogFilter, LogRow, LogStore } from './store.js'

// BIGINT (ts) and NUMERIC arrive as strings by default: these columns fit in a JS number.
const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format as 'text')) }

/** PostgreSQL, for several gateway nodes writing one log: same table, same indexes. */
export class PgLogStore implements LogStore {
  readonly #pool: pg.Pool
  readonly #ready: Promise<unknown>

  constructor(url: string) {
    this.#pool = new pg.Pool({ connectionString: url, max: 4, types })
    this.#ready = this.#pool.query(`
      CREATE TABLE IF NOT EXISTS sluice_requests (
        id TEXT PRIMARY KEY, ts BIGINT NOT NULL, path TEXT NOT NULL, operation TEXT NOT NULL,
        key_id TEXT, team TEXT, customer TEXT, provider TEXT, model TEXT, requested_model TEXT NOT NULL,
        status INTEGER NOT NULL, error_type TEXT, stream INTEGER NOT NULL, finish_reason TEXT,
        input_tokens INTEGER, output_tokens INTEGER, cached_tokens INTEGER, cost_usd DOUBLE PRECISION,
        total_ms DOUBLE PRECISION NOT NULL, upstream_ms DOUBLE PRECISION, first_byte_ms DOUBLE PRECISION, attempts INTEGER NOT NULL,
        short_circuited INTEGER NOT NULL, client_aborted INTEGER NOT NULL, prompt TEXT, answer TEXT, extra TEXT
      );
      ALTER TABLE sluice_requests ADD COLUMN IF NOT EXISTS cost_usd DOUBLE PRECISION;
      ALTER TABLE sluice_requests ADD COLUMN IF NOT EXISTS extra TEXT;
      ${INDEXES.map((cols, i) => `CREATE INDEX IF NOT EXISTS sluice_requests_i${i} ON sluice_requests (${cols});`).join('\n')}
    `)
  }

  async insert(rows: LogRow[]): Promise<void> {
    if (!rows.length) return
    await this.#ready
    const values: unknown[] = []
    const tuples = rows.map((row) => `(${COLUMNS.map((c) => (values.push(row[c]), `$${values.length}`)).join(', ')})`)
    await this.#pool.query(`INSERT INTO sluice_requests (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`, values)
  }

  async query(filter: LogFilter, limit: number, cursor?: { ts: number; id: string }): Promise<LogRow[]> {
    await this.#ready
    const params: unknown[] = []
    const where = whereOf(filter, cursor, (value) => (params.push(value), `$${params.length}`))
    params.push(limit)
    const result = await this.#pool.query(`SELECT * FROM sluice_requests ${where} ORDER BY ts DESC, id DESC LIMIT $${params.length}`, params)
    return result.rows as LogRow[]
  }

  async deleteBefore(before: number): Promise<number> {
    await this.#ready
    return (await this.#pool.query('DELETE FROM sluice_requests WHERE ts < $1', [before])).rowCount ?? 0
  }

  async count(): Promise<number> {
    await this.#ready
    return Number((await this.#pool.query('SELECT count(*) AS n FROM sluice_requests')).rows[0].n)
  }

  async close(): Promise<void> {
    await this.#ready.catch(() => {})
    await this.#pool.end()
  }
}
