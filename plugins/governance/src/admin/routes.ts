import type { PluginRoute, SetupContext } from '@sluice/sdk'
import { z } from 'zod'
import type { Ledger } from '../ledger.js'
import { entityRef, hashSecret, hintOf, newId, newSecret } from '../model.js'
import type { Customer, EntityKind, Team, VirtualKey } from '../model.js'
import { customerSchema, keyFieldsSchema, teamSchema } from '../options.js'
import type { Registry } from '../registry.js'
import type { Owner } from '../limits.js'
import { adminCaller } from './auth.js'
import type { AdminCaller, adminTokens } from './auth.js'
import { usageOf } from './usage.js'

export interface AdminDeps {
  registry: Registry
  ledger: Ledger
  tokens: ReturnType<typeof adminTokens>
  audit: SetupContext['audit']
  clock: () => number
}

const BASE = '/admin/v1'
const PATHS: Record<EntityKind, string> = { key: 'virtual-keys', team: 'teams', customer: 'customers' }
const KIND_LABEL: Record<EntityKind, string> = { key: 'virtual key', team: 'team', customer: 'customer' }

const createSchemas = {
  key: keyFieldsSchema.strict(),
  team: teamSchema.extend({ id: teamSchema.shape.id.optional() }),
  customer: customerSchema.extend({ id: customerSchema.shape.id.optional() }),
}
const updateSchemas = {
  key: keyFieldsSchema.partial().strict(),
  team: teamSchema.omit({ id: true }).partial().strict(),
  customer: customerSchema.omit({ id: true }).partial().strict(),
}

/** Optional fields a PATCH may remove with `null`; the rest have a value or a default (`[]`, `{}`). */
const REMOVABLE: Record<EntityKind, string[]> = { key: ['team', 'customer', 'expiresAt'], team: ['name', 'customer'], customer: ['name'] }

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The admin API: create, list, get, update and delete virtual keys, teams and customers, with
 * their usage and remaining budgets. Admin tokens may do everything; read tokens only GET.
 * A key's secret is in the creation answer and nowhere else, ever.
 */
export function adminRoutes(deps: AdminDeps): PluginRoute[] {
  const routes: PluginRoute[] = []
  for (const kind of ['key', 'team', 'customer'] as const) {
    const base = `${BASE}/${PATHS[kind]}`
    routes.push(
      { method: 'GET', path: base, handler: guarded(deps, 'read', (req) => list(deps, kind, new URL(req.url).searchParams.get('usage') === 'true')) },
      { method: 'POST', path: base, handler: guarded(deps, 'admin', (req, _p, caller) => create(deps, kind, req, caller)) },
      { method: 'GET', path: `${base}/:id`, handler: guarded(deps, 'read', (_req, p) => getOne(deps, kind, p.id)) },
      { method: 'PATCH', path: `${base}/:id`, handler: guarded(deps, 'admin', (req, p, caller) => update(deps, kind, p.id, req, caller)) },
      { method: 'DELETE', path: `${base}/:id`, handler: guarded(deps, 'admin', (_req, p, caller) => remove(deps, kind, p.id, caller)) },
    )
  }
  return routes
}

type Handler = (request: Request, params: Record<string, string>, caller: AdminCaller) => Promise<Response>

function guarded(deps: AdminDeps, role: 'admin' | 'read', handler: Handler) {
  return async (request: Request, params: Record<string, string>): Promise<Response> => {
    try {
      if (deps.tokens.length === 0) throw new HttpError(403, 'caller_forbidden', 'The admin API is disabled: configure adminTokens or set SLUICE_ADMIN_TOKEN')
      const caller = adminCaller(request, deps.tokens)
      if (!caller) throw new HttpError(401, 'caller_unauthorized', 'Missing or invalid admin token')
      if (role === 'admin' && caller.role !== 'admin') throw new HttpError(403, 'caller_forbidden', 'This admin token is read-only')
      return await handler(request, params, caller)
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: { message: error.message, type: error.type } })
      throw error
    }
  }
}

async function list(deps: AdminDeps, kind: EntityKind, withUsage: boolean): Promise<Response> {
  const all = deps.registry.list(kind).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  const data = await Promise.all(all.map(async (e) => ({ ...view(kind, e), ...(withUsage ? { usage: await usageOf(deps.ledger, ownerOf(kind, e), deps.clock()) } : {}) })))
  return json(200, { object: 'list', data })
}

async function getOne(deps: AdminDeps, kind: EntityKind, id: string): Promise<Response> {
  const entity = found(deps, kind, id)
  return json(200, { ...view(kind, entity), usage: await usageOf(deps.ledger, ownerOf(kind, entity), deps.clock()) })
}

async function create(deps: AdminDeps, kind: EntityKind, request: Request, caller: AdminCaller): Promise<Response> {
  const input = parse(createSchemas[kind], await body(request)) as Record<string, unknown> & { id?: string }
  checkReferences(deps, input)
  const now = new Date(deps.clock()).toISOString()
  const id = input.id ?? newId(kind)
  if (deps.registry.get(kind, id)) throw new HttpError(409, 'caller_conflict', `A ${KIND_LABEL[kind]} with id "${id}" exists`)
  const stamp = { createdAt: now, updatedAt: now, declared: false }
  let secret: string | undefined
  let entity: VirtualKey | Team | Customer
  if (kind === 'key') {
    secret = newSecret()
    entity = { ...(input as z.output<typeof keyFieldsSchema>), id, hash: hashSecret(secret), hint: hintOf(secret), ...stamp }
  } else entity = { ...input, id, ...stamp } as Team | Customer
  await deps.registry.put(kind, entity as never)
  deps.audit({ type: `admin.${kind}.created`, actor: caller.name, target: id, details: { name: entity.name } })
  return json(201, { ...view(kind, entity), ...(secret ? { key: secret } : {}) })
}

async function update(deps: AdminDeps, kind: EntityKind, id: string, request: Request, caller: AdminCaller): Promise<Response> {
  const entity = found(deps, kind, id)
  if (entity.declared) throw new HttpError(409, 'caller_conflict', `The ${KIND_LABEL[kind]} "${id}" is declared in the gateway config: change it there`)
  const input = await body(request)
  // `null` removes an optional field (a key leaves its team, loses its expiry); JSON has no undefined.
  const removed = isRecord(input) ? REMOVABLE[kind].filter((k) => input[k] === null) : []
  const rest = isRecord(input) ? Object.fromEntries(Object.entries(input).filter(([k]) => !removed.includes(k))) : input
  const parsed = parse(updateSchemas[kind], rest) as Record<string, unknown>
  // Zod fills defaults into a partial schema too: keep only the fields the caller sent.
  const sent = new Set(isRecord(rest) ? Object.keys(rest) : [])
  const changes = Object.fromEntries(Object.entries(parsed).filter(([k]) => sent.has(k)))
  checkReferences(deps, changes)
  const next: Record<string, unknown> = { ...entity, ...changes, updatedAt: new Date(deps.clock()).toISOString() }
  for (const field of removed) delete next[field]
  await deps.registry.put(kind, next as never)
  deps.audit({ type: `admin.${kind}.updated`, actor: caller.name, target: id, details: { fields: [...Object.keys(changes), ...removed] } })
  return json(200, view(kind, next as unknown as VirtualKey | Team | Customer))
}

async function remove(deps: AdminDeps, kind: EntityKind, id: string, caller: AdminCaller): Promise<Response> {
  const entity = found(deps, kind, id)
  if (entity.declared) throw new HttpError(409, 'caller_conflict', `The ${KIND_LABEL[kind]} "${id}" is declared in the gateway config: remove it there`)
  // Members would keep working without the budgets above them (and meet them again if the id came back).
  const members = membersOf(deps, kind, id)
  if (members.length) throw new HttpError(409, 'caller_conflict', `The ${KIND_LABEL[kind]} "${id}" still has members: ${members.slice(0, 10).join(', ')}${members.length > 10 ? ', …' : ''}; move or delete them first`)
  await deps.registry.remove(kind, id)
  deps.audit({ type: `admin.${kind}.deleted`, actor: caller.name, target: id, details: { name: entity.name } })
  return json(200, { id, deleted: true })
}

function found(deps: AdminDeps, kind: EntityKind, id: string): VirtualKey | Team | Customer {
  const entity = deps.registry.get(kind, id)
  if (!entity) throw new HttpError(404, 'caller_not_found', `No ${KIND_LABEL[kind]} with id "${id}"`)
  return entity
}

/** The keys (and, for a customer, the teams) that name this team or customer. */
function membersOf(deps: AdminDeps, kind: EntityKind, id: string): string[] {
  if (kind === 'key') return []
  const keys = deps.registry.list('key').filter((k) => (kind === 'team' ? k.team : k.customer) === id).map((k) => `virtual key ${k.id}`)
  const teams = kind === 'customer' ? deps.registry.list('team').filter((t) => t.customer === id).map((t) => `team ${t.id}`) : []
  return [...teams, ...keys]
}

function checkReferences(deps: AdminDeps, input: Record<string, unknown>): void {
  if (typeof input.team === 'string' && !deps.registry.get('team', input.team)) throw new HttpError(400, 'caller_invalid_request', `team: no team with id "${input.team}"`)
  if (typeof input.customer === 'string' && !deps.registry.get('customer', input.customer)) throw new HttpError(400, 'caller_invalid_request', `customer: no customer with id "${input.customer}"`)
}

/** Never the hash, never the secret. */
function view(kind: EntityKind, entity: VirtualKey | Team | Customer) {
  if (kind !== 'key') return { object: kind, ...entity }
  const { hash: _hash, ...rest } = entity as VirtualKey
  return { object: 'virtual_key', ...rest }
}

function ownerOf(kind: EntityKind, entity: VirtualKey | Team | Customer): Owner {
  return { kind, entity, ref: entityRef(kind, entity.id) }
}

// A key, team or customer is a few KB at most (metadata included); admin tokens leak too.
const BODY_LIMIT = 1024 * 1024

async function body(request: Request): Promise<unknown> {
  const text = await limitedText(request, BODY_LIMIT)
  if (!text.trim()) return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'caller_invalid_json', 'The body is not valid JSON')
  }
}

/** The body as text, refused (413) past `limit` bytes without reading the rest into memory. */
async function limitedText(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new HttpError(413, 'caller_invalid_request', `The body is larger than ${limit} bytes`)
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge()
  if (!request.body) return ''
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += part.byteLength
    if (size > limit) throw tooLarge()
    parts.push(part)
  }
  return Buffer.concat(parts).toString('utf8')
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
  throw new HttpError(400, 'caller_invalid_request', problems.join('; '))
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } })
}
