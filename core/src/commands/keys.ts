import { parseArgs } from 'node:util'

export const KEYS_USAGE = `Usage: sluice keys <create|list|revoke> [options]

Manages virtual keys through a running gateway's admin API (the @sluice/governance plugin).

  sluice keys create --name <name> [--models <a,b*>] [--providers <p,q>] [--team <id>]
                     [--customer <id>] [--budget <usd>/<period>]... [--rpm <n>] [--tpm <n>]
                     [--expires <ISO time>]
        period: minute, hour, day, week, month or total. The key is printed once; keep it.
  sluice keys list
  sluice keys revoke <id>

Options:
  --url <url>            the gateway (default: $SLUICE_URL or http://127.0.0.1:8080)
  --admin-token <token>  an admin token (default: $SLUICE_ADMIN_TOKEN)
  --json                 print the admin API's JSON answer
`

const PERIODS = ['minute', 'hour', 'day', 'week', 'month', 'total']

/** `sluice keys …`: a thin client of `/admin/v1/virtual-keys`, so the running gateway stays the one writer. */
export async function keysCommand(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'admin-token': { type: 'string' },
        json: { type: 'boolean' },
        name: { type: 'string' },
        models: { type: 'string' },
        providers: { type: 'string' },
        team: { type: 'string' },
        customer: { type: 'string' },
        budget: { type: 'string', multiple: true },
        rpm: { type: 'string' },
        tpm: { type: 'string' },
        expires: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    err.write(`${error instanceof Error ? error.message : String(error)}\n\n${KEYS_USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const [action, id] = positionals
  if (values.help || !action || !['create', 'list', 'revoke'].includes(action)) {
    ;(values.help ? out : err).write(KEYS_USAGE)
    return values.help ? 0 : 2
  }
  const base = (values.url ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')
  const token = values['admin-token'] ?? process.env.SLUICE_ADMIN_TOKEN
  if (!token) {
    err.write('No admin token: pass --admin-token or set SLUICE_ADMIN_TOKEN\n')
    return 2
  }
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/admin/v1/virtual-keys${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!res.ok) throw new Error(`${res.status}: ${(json as { error?: { message?: string } })?.error?.message ?? (text.slice(0, 200) || res.statusText)}`)
    return json as Record<string, unknown>
  }
  try {
    if (action === 'create') {
      if (!values.name) throw new Error('--name is required')
      const body = createBody(values)
      const made = await call('POST', '', body)
      if (values.json) out.write(`${JSON.stringify(made, null, 2)}\n`)
      else out.write(`${made.key}\n\nid: ${made.id}  name: ${made.name}\nThis is the only time the key is shown.\n`)
      return 0
    }
    if (action === 'list') {
      const list = (await call('GET', '?usage=true')) as { data: Record<string, unknown>[] }
      if (values.json) out.write(`${JSON.stringify(list, null, 2)}\n`)
      else out.write(table(list.data))
      return 0
    }
    if (!id) throw new Error('revoke: give the key id (see sluice keys list)')
    await call('DELETE', `/${encodeURIComponent(id)}`)
    out.write(`revoked ${id}\n`)
    return 0
  } catch (error) {
    err.write(`sluice keys ${action}: ${error instanceof Error ? (error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message) : String(error)}\n`)
    return 1
  }
}

function createBody(values: Record<string, string | string[] | boolean | undefined>): Record<string, unknown> {
  const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)
  const count = (flag: string, v: unknown) => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag}: expected a positive whole number, got "${String(v)}"`)
    return n
  }
  const budgets = ((values.budget as string[] | undefined) ?? []).map((spec) => {
    const match = /^(\d+(?:\.\d+)?)\/(\w+)$/.exec(spec)
    if (!match || !PERIODS.includes(match[2])) throw new Error(`--budget: expected <usd>/<period> (period: ${PERIODS.join(', ')}), got "${spec}"`)
    return { limitUsd: Number(match[1]), period: match[2] }
  })
  const rateLimits = [
    ...(values.rpm !== undefined ? [{ window: 'minute', requests: count('rpm', values.rpm) }] : []),
    ...(values.tpm !== undefined ? [{ window: 'minute', tokens: count('tpm', values.tpm) }] : []),
  ]
  const body: Record<string, unknown> = { name: values.name, budgets, rateLimits }
  if (list(values.models)) body.models = list(values.models)
  if (list(values.providers)) body.providers = list(values.providers)
  if (values.team) body.team = values.team
  if (values.customer) body.customer = values.customer
  if (values.expires) body.expiresAt = values.expires
  return body
}

function table(rows: Record<string, unknown>[]): string {
  const lines = [['ID', 'NAME', 'KEY', 'TEAM', 'ACTIVE', 'SPENT USD', 'REQUESTS']]
  for (const r of rows) {
    const usage = (r.usage ?? {}) as { spentUsd?: number; requests?: number }
    lines.push([String(r.id), String(r.name), String(r.hint ?? ''), String(r.team ?? ''), r.active === false ? 'no' : 'yes', (usage.spentUsd ?? 0).toFixed(6), String(usage.requests ?? 0)])
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)))
  return `${lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`
}
