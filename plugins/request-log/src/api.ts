import { timingSafeEqual } from 'node:crypto'
import type { PluginRoute } from '@sluice/sdk'
import type { LogFilter, LogRow, LogStore } from './store.js'

const FILTERS = ['key', 'team', 'customer', 'model', 'provider', 'errorType'] as const

/** `GET /admin/v1/logs` (filters, cursor pages) and `GET /admin/v1/logs/export` (JSONL). */
export function logRoutes(store: LogStore, token: string, flush: () => Promise<void>): PluginRoute[] {
  const guard = (request: Request): Response | undefined => {
    const given = Buffer.from(request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '')
    const wanted = Buffer.from(token)
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) return undefined
    return error(401, 'caller_unauthorized', 'An admin token is required (Authorization: Bearer …)')
  }
  return [
    {
      method: 'GET',
      path: '/admin/v1/logs',
      async handler(request) {
        const refused = guard(request)
        if (refused) return refused
        const parsed = parse(new URL(request.url).searchParams)
        if (typeof parsed === 'string') return error(400, 'caller_invalid_request', parsed)
        await flush()
        const rows = await store.query(parsed.filter, parsed.limit + 1, parsed.cursor)
        const page = rows.slice(0, parsed.limit)
        const last = page.at(-1)
        const next = rows.length > parsed.limit && last ? Buffer.from(JSON.stringify({ ts: last.ts, id: last.id })).toString('base64url') : null
        return Response.json({ data: page.map(present), next_cursor: next })
      },
    },
    {
      method: 'GET',
      path: '/admin/v1/logs/export',
      async handler(request) {
        const refused = guard(request)
        if (refused) return refused
        const parsed = parse(new URL(request.url).searchParams, 100_000)
        if (typeof parsed === 'string') return error(400, 'caller_invalid_request', parsed)
        await flush()
        // Pages of 1000 pulled as the client reads: memory stays flat on large exports.
        let cursor = parsed.cursor
        let left = parsed.limit
        const encoder = new TextEncoder()
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const rows = left > 0 ? await store.query(parsed.filter, Math.min(1000, left), cursor) : []
            if (rows.length === 0) return controller.close()
            left -= rows.length
            const last = rows[rows.length - 1]
            cursor = { ts: last.ts, id: last.id }
            controller.enqueue(encoder.encode(rows.map((r) => `${JSON.stringify(present(r))}\n`).join('')))
          },
        })
        return new Response(stream, { headers: { 'content-type': 'application/x-ndjson' } })
      },
    },
  ]
}

function parse(params: URLSearchParams, maxLimit = 1000): { filter: LogFilter; limit: number; cursor?: { ts: number; id: string } } | string {
  const filter: LogFilter = {}
  for (const name of FILTERS) {
    const value = params.get(name)
    if (value) filter[name] = value
  }
  for (const name of ['from', 'to'] as const) {
    const value = params.get(name)
    if (!value) continue
    const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
    if (Number.isNaN(at)) return `${name}: expected an ISO date or epoch milliseconds`
    filter[name] = at
  }
  const status = params.get('status')
  if (status) {
    if (!/^\d{3}$/.test(status)) return 'status: expected an HTTP status'
    filter.status = Number(status)
  }
  const limit = Number(params.get('limit') ?? 100)
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return `limit: expected 1 to ${maxLimit}`
  const raw = params.get('cursor')
  if (!raw) return { filter, limit }
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString()) as { ts: number; id: string }
    if (typeof cursor.ts !== 'number' || typeof cursor.id !== 'string') throw new Error('shape')
    return { filter, limit, cursor }
  } catch {
    return 'cursor: not a cursor this API gave out'
  }
}

function present(row: LogRow) {
  return {
    id: row.id,
    time: new Date(row.ts).toISOString(),
    path: row.path,
    operation: row.operation,
    key: row.key_id,
    team: row.team,
    customer: row.customer,
    provider: row.provider,
    model: row.model,
    requested_model: row.requested_model,
    status: row.status,
    error_type: row.error_type,
    stream: row.stream === 1,
    finish_reason: row.finish_reason,
    usage: row.input_tokens === null ? null : { input_tokens: row.input_tokens, output_tokens: row.output_tokens, cached_tokens: row.cached_tokens },
    cost_usd: row.cost_usd,
    latency_ms: { total: row.total_ms, upstream: row.upstream_ms, first_byte: row.first_byte_ms },
    attempts: row.attempts,
    short_circuited: row.short_circuited === 1,
    client_aborted: row.client_aborted === 1,
    ...(row.prompt !== null ? { prompt: JSON.parse(row.prompt) as unknown } : {}),
    ...(row.answer !== null ? { answer: row.answer } : {}),
    ...(row.extra !== null ? (JSON.parse(row.extra) as Record<string, unknown>) : {}),
  }
}

function error(status: number, type: string, message: string): Response {
  return Response.json({ error: { message, type, code: null, param: null } }, { status })
}
