import { definePlugin } from '@sluice/sdk'
import { z } from 'zod'
import { createAdmission } from './admission.js'
import { adminTokens } from './admin/auth.js'
import { adminRoutes } from './admin/routes.js'
import { hashSecret, hintOf } from './model.js'
import type { Team, VirtualKey } from './model.js'
import { openBackend } from './open.js'
import { optionsSchema } from './options.js'
import type { DeclaredKey, GovernanceOptions } from './options.js'
import { Registry } from './registry.js'
import { Renewals } from './renewals.js'
import { SettleRetries } from './settle-retries.js'
import { createSettlement } from './settlement.js'

export type { GovernanceOptions } from './options.js'
export type { Admitted } from './admission.js'

const pluginOptions = optionsSchema.extend({
  /** Epoch ms now; tests move time with it. */
  clock: z.custom<() => number>((v) => typeof v === 'function', 'expected a function returning epoch ms').optional(),
})

/**
 * Virtual keys, teams and customers; budgets with reset periods, request and token rate limits,
 * cost per request; an admin API. Budgets hold under concurrency (each request reserves its
 * worst case first) and across nodes (`store: 'redis://…'`: one atomic Lua round trip).
 *
 * @example
 * ['@sluice/governance', {
 *   store: 'governance.db',
 *   adminTokens: [{ token: '${SLUICE_ADMIN_TOKEN}', role: 'admin' }],
 *   teams: [{ id: 'ml', budgets: [{ limitUsd: 500, period: 'month' }] }],
 * }]
 */
export default definePlugin({
  name: '@sluice/governance',
  options: pluginOptions,
  async setup(options, { dataDir, audit, cost, log }) {
    const clock = options.clock ?? Date.now
    // Checked before anything is opened: a refused token leaves nothing running.
    const tokens = adminTokens(options)
    const backend = await openBackend(options.store, dataDir, { flushIntervalMs: options.flushIntervalMs, redisPrefix: options.redisPrefix, clock, log })
    const declared = { keys: options.keys.map(declaredKey), teams: options.teams.map(stamped), customers: options.customers.map(stamped) }
    const registry = new Registry(backend.store, declared)
    try {
      await registry.start()
      checkDeclaredReferences(registry, declared)
    } catch (error) {
      await backend.release()
      throw error
    }
    if (tokens.length === 0) log.info('governance: the admin API is off (no adminTokens, no SLUICE_ADMIN_TOKEN)')
    const renewals = new Renewals(backend.ledger, options.reservationTtlMs, clock, log)
    const retries = new SettleRetries(backend.ledger, log)
    const settle = createSettlement(backend.ledger, options as GovernanceOptions, clock, renewals, retries)
    return {
      ...createAdmission({ registry, ledger: backend.ledger, options, cost, clock, renewals }),
      postLog: settle,
      routes: adminRoutes({ registry, ledger: backend.ledger, tokens, audit, clock }),
      async close() {
        renewals.close()
        await retries.close()
        await backend.release()
      },
    }
  },
})

const EPOCH = new Date(0).toISOString()

function stamped<T extends object>(entity: T): T & { createdAt: string; updatedAt: string; declared: true } {
  return { ...entity, createdAt: EPOCH, updatedAt: EPOCH, declared: true }
}

function declaredKey({ key, keyHash, ...fields }: DeclaredKey): VirtualKey {
  return stamped({ ...fields, hash: key ? hashSecret(key) : keyHash!.slice('sha256:'.length), hint: key ? hintOf(key) : `${keyHash!.slice(0, 15)}…` })
}

/**
 * A declared key or team that names a missing team or customer (a typo in the config) would run
 * without that level's budgets: refuse to start instead. Stored ones may be named too.
 */
function checkDeclaredReferences(registry: Registry, declared: { keys: VirtualKey[]; teams: Team[] }): void {
  const problems: string[] = []
  const need = (where: string, kind: 'team' | 'customer', id: string | undefined) => {
    if (id !== undefined && !registry.get(kind, id)) problems.push(`${where}: ${kind} "${id}" does not exist`)
  }
  for (const k of declared.keys) {
    need(`keys.${k.id}`, 'team', k.team)
    need(`keys.${k.id}`, 'customer', k.customer)
  }
  for (const t of declared.teams) need(`teams.${t.id}`, 'customer', t.customer)
  if (problems.length) throw new Error(`governance: ${problems.join('; ')}`)
}
