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
  cost_usd: number | null
  total_ms: number
  upstream_ms: number | null
  first_byte_ms: number | null
  attempts: number
  short_circuited: number
  client_aborted: number
  prompt: string | null
  answer: string | null
  /** JSON: guardrail findings and cache result, when plugins reported them. */
  extra: string | null
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

export const COLUMNS = ['id', 'ts', 'path', 'operation', 'key_id', 'team', 'customer', 'provider', 'model', 'requested_model', 'status', 'error_type', 'stream', 'finish_reason', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'total_ms', 'upstream_ms', 'first_byte_ms', 'attempts', 'short_circuited', 'client_aborted', 'prompt', 'answer', 'extra'] as const

/** Where request records live: the embedded SQLite file, or PostgreSQL for several nodes. */
export interface LogStore {
  insert(rows: LogRow[]): Promise<void>
  /** Newest first; `cursor` is the (ts, id) of the last row of the previous page. */
  query(filter: LogFilter, limit: number, cursor?: { ts: number; id: string }): Promise<LogRow[]>
  /** Deletes rows older than `before` (epoch ms); returns how many. */
  deleteBefore(before: number): Promise<number>
  count(): Promise<number>
  close(): Promise<void>
}

/** The WHERE clause of a query, shared by both backends; `param` names a placeholder. */
export function whereOf(filter: LogFilter, cursor: { ts: number; id: string } | undefined, param: (value: unknown) => string): string {
  const where: string[] = []
  const eq = (column: string, value: unknown) => {
    if (value !== undefined) where.push(`${column} = ${param(value)}`)
  }
  eq('key_id', filter.key)
  eq('team', filter.team)
  eq('customer', filter.customer)
  eq('model', filter.model)
  eq('provider', filter.provider)
  eq('status', filter.status)
  eq('error_type', filter.errorType)
  if (filter.from !== undefined) where.push(`ts >= ${param(filter.from)}`)
  if (filter.to !== undefined) where.push(`ts < ${param(filter.to)}`)
  // Each use takes its own placeholder: SQLite's `?` are positional.
  if (cursor) where.push(`(ts < ${param(cursor.ts)} OR (ts = ${param(cursor.ts)} AND id < ${param(cursor.id)}))`)
  return where.length ? `WHERE ${where.join(' AND ')}` : ''
}

export const INDEXES = ['ts, id', 'key_id, ts, id', 'team, ts, id', 'customer, ts, id', 'model, ts, id', 'provider, ts, id', 'status, ts, id']
