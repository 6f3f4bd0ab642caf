import { z } from 'zod'

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits, . _ : - (at most 64)')

/** A spending limit in USD over a period. */
export const budgetSchema = z
  .object({
    limitUsd: z.number().positive(),
    /** `total` never resets. */
    period: z.enum(['minute', 'hour', 'day', 'week', 'month', 'total']),
    /** `calendar`: resets at UTC boundaries (week starts Monday); `rolling`: every period from the owner's creation. */
    reset: z.enum(['calendar', 'rolling']).default('calendar'),
  })
  .strict()

/** Requests and/or tokens (prompt + answer) per fixed window. */
export const rateLimitSchema = z
  .object({
    window: z.enum(['second', 'minute', 'hour', 'day']),
    requests: z.number().int().positive().optional(),
    tokens: z.number().int().positive().optional(),
  })
  .strict()
  .refine((r) => r.requests !== undefined || r.tokens !== undefined, 'give `requests`, `tokens` or both')

const limits = {
  budgets: z.array(budgetSchema).default([]),
  rateLimits: z.array(rateLimitSchema).default([]),
  metadata: z.record(z.string(), z.unknown()).default({}),
}

export const customerSchema = z.object({ id, name: z.string().min(1).optional(), ...limits }).strict()

export const teamSchema = z
  .object({ id, name: z.string().min(1).optional(), /** The customer this team belongs to. */ customer: id.optional(), ...limits })
  .strict()

/** What a virtual key may do. Patterns: `*` matches any run of characters. */
export const keyFieldsSchema = z.object({
  name: z.string().min(1).max(200),
  /** Models the key may ask for (the name the client sends, or the upstream model). Empty: any. */
  models: z.array(z.string().min(1)).default([]),
  /** Provider instances (ids) the key may reach. Empty: any. */
  providers: z.array(z.string().min(1)).default([]),
  /** Only these provider keys (by their `id` in the provider's config). */
  providerKeys: z.array(z.string().min(1)).default([]),
  team: id.optional(),
  customer: id.optional(),
  /** ISO 8601 time after which the key is refused. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  active: z.boolean().default(true),
  ...limits,
})

/** A key declared in config (GitOps): the secret itself (from `${ENV}`) or its SHA-256. */
export const declaredKeySchema = keyFieldsSchema
  .extend({
    id,
    key: z.string().min(16, 'use at least 16 characters').optional(),
    /** `sha256:<64 hex>` of the key, so the secret need not be in the config. */
    keyHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 lower-case hex>').optional(),
  })
  .strict()
  .refine((k) => (k.key === undefined) !== (k.keyHash === undefined), 'give exactly one of `key` and `keyHash`')

export const adminTokenSchema = z
  .object({
    token: z.string().min(16, 'use at least 16 characters'),
    role: z.enum(['admin', 'read']).default('admin'),
    /** Who this token is, in the audit log. */
    name: z.string().min(1).default('admin'),
  })
  .strict()

export const optionsSchema = z
  .object({
    /**
     * Where keys, teams, customers and counters live: an SQLite file relative to the dataDir
     * (`governance.db`, `sqlite:./state/gov.db`), `redis://…` for several gateway nodes sharing
     * budgets and rate limits, or `memory:` (tests; nothing kept).
     */
    store: z.string().min(1).default('governance.db'),
    /** Refuse inference requests without a valid key (401). Off: keyless requests pass ungoverned. */
    requireKey: z.boolean().default(true),
    /** Admin API tokens (`/admin/v1/...`). `SLUICE_ADMIN_TOKEN` in the environment adds an admin one. */
    adminTokens: z.array(adminTokenSchema).default([]),
    keys: z.array(declaredKeySchema).default([]),
    teams: z.array(teamSchema).default([]),
    customers: z.array(customerSchema).default([]),
    /** Output tokens assumed for a reservation when the request sets no max_tokens. */
    defaultMaxOutputTokens: z.number().int().positive().default(4096),
    /** USD per million tokens for models without a known price, so they are never free. */
    fallbackPrice: z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict().default({ input: 10, output: 30 }),
    /** Embedded store: how often counters are written behind, ms (a crash loses at most this). */
    flushIntervalMs: z.number().int().positive().max(1000).default(250),
    /** A reservation not settled by then (a node died mid-request) is released, ms. */
    reservationTtlMs: z.number().int().positive().default(15 * 60_000),
    /** Key prefix in Redis, so several gateways can share one Redis. */
    redisPrefix: z.string().min(1).default('sluice:gov:'),
  })
  .strict()

export type GovernanceOptions = z.output<typeof optionsSchema>
export type Budget = z.output<typeof budgetSchema>
export type RateLimit = z.output<typeof rateLimitSchema>
export type KeyFields = z.output<typeof keyFieldsSchema>
export type DeclaredKey = z.output<typeof declaredKeySchema>
export type TeamFields = z.output<typeof teamSchema>
export type CustomerFields = z.output<typeof customerSchema>
