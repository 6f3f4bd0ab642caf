import { createHash, timingSafeEqual } from 'node:crypto'
import type { GovernanceOptions } from '../options.js'

export interface AdminCaller {
  name: string
  role: 'admin' | 'read'
}

const MIN_TOKEN_LENGTH = 16

/** Admin tokens from config, plus `SLUICE_ADMIN_TOKEN` (admin) and `SLUICE_ADMIN_READ_TOKEN` (read) from the environment. */
export function adminTokens(options: GovernanceOptions, env: NodeJS.ProcessEnv = process.env): { digest: Buffer; caller: AdminCaller }[] {
  const tokens = options.adminTokens.map((t) => ({ token: t.token, caller: { name: t.name, role: t.role } }))
  for (const [name, role] of [['SLUICE_ADMIN_TOKEN', 'admin'], ['SLUICE_ADMIN_READ_TOKEN', 'read']] as const) {
    const token = env[name]
    if (!token) continue
    // The same rule as config tokens: a short token is guessed, and it guards every key and budget.
    if (token.length < MIN_TOKEN_LENGTH) throw new Error(`${name} is too short: use at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`)
    tokens.push({ token, caller: { name: `env:${name}`, role } })
  }
  return tokens.map((t) => ({ digest: digest(t.token), caller: t.caller }))
}

/** The caller behind `Authorization: Bearer` or `x-sluice-admin-token`; compared in constant time. */
export function adminCaller(request: Request, tokens: { digest: Buffer; caller: AdminCaller }[]): AdminCaller | undefined {
  const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  const presented = bearer ?? request.headers.get('x-sluice-admin-token') ?? undefined
  if (!presented) return undefined
  const d = digest(presented)
  let found: AdminCaller | undefined
  for (const t of tokens) if (timingSafeEqual(d, t.digest)) found ??= t.caller
  return found
}

const digest = (token: string) => createHash('sha256').update(token).digest()
