import { z } from 'zod'
import type { SluicePlugin } from './plugin.js'

/**
 * A plugin in the config list: an npm package name, a path (`.ts`, `.js`, `.mjs`), a plugin
 * object, or `[nameOrPlugin, options]`.
 */
export type PluginEntry = string | SluicePlugin | [string | SluicePlugin] | [string | SluicePlugin, unknown]

const pluginRef = z.union([
  z.string().min(1, 'empty plugin name'),
  z.custom<SluicePlugin>((v) => !!v && typeof v === 'object', 'expected a plugin name, a path or a plugin object'),
])

export const pluginEntrySchema = z.union([pluginRef, z.tuple([pluginRef]), z.tuple([pluginRef, z.unknown()])])

export const serverConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest accepted request body, bytes. */
    bodyLimit: z.number().int().positive().default(10 * 1024 * 1024),
    /** How long graceful shutdown waits for in-flight requests, ms. */
    shutdownTimeoutMs: z.number().int().nonnegative().default(30_000),
    /** Idle keep-alive timeout for client connections, ms. */
    keepAliveTimeoutMs: z.number().int().positive().default(65_000),
  })
  .strict()

/** A routing target: `"provider/model"` (or a declared model), or the object form. */
export const targetSchema = z.union([
  z.string().min(1),
  z
    .object({
      /** Provider instance id. */
      provider: z.string().min(1),
      /** Upstream model; defaults to the model the client asked for. */
      model: z.string().min(1).optional(),
      weight: z.number().positive().default(1),
      /** Only these keys of the provider (by key `id`). */
      keys: z.array(z.string().min(1)).min(1).optional(),
    })
    .strict(),
])

export const retrySchema = z
  .object({
    /** Attempts per target, the first included. */
    attempts: z.number().int().min(1).max(10).default(2),
    /** First backoff delay; doubles per retry, with full jitter. */
    initialDelayMs: z.number().int().nonnegative().default(100),
    maxDelayMs: z.number().int().nonnegative().default(5_000),
  })
  .strict()

const timeouts = {
  /** Per attempt: time to the upstream's first byte. */
  timeoutMs: z.number().int().positive().optional(),
  /** Whole request, all attempts and backoffs included. */
  deadlineMs: z.number().int().positive().optional(),
  /** Longest pause between two chunks of a stream. */
  streamIdleTimeoutMs: z.number().int().positive().optional(),
}

export const routeSchema = z
  .object({
    /** Weighted targets; health shifts traffic between them. */
    targets: z.array(targetSchema).min(1),
    /** Tried in order when every target failed. */
    fallbacks: z.array(targetSchema).default([]),
    retry: retrySchema.optional(),
    ...timeouts,
  })
  .strict()

export const routingSchema = z
  .object({
    retry: retrySchema.default(() => retrySchema.parse({})),
    /** Upstream calls per request at most, across every target and fallback. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    ...timeouts,
    deadlineMs: z.number().int().positive().default(300_000),
    /** Accept `fallbacks: [...]` in a request body. */
    requestFallbacks: z.boolean().default(false),
    /** How long a key rests after a 429 that gave no retry-after. */
    keyCooldownMs: z.number().int().positive().default(30_000),
    /** How long a key refused by the upstream (401/403) stays out before it is tried again. */
    keyDisableMs: z.number().int().positive().default(300_000),
    circuit: z
      .object({
        /** Consecutive failures that open a target's circuit. */
        failureThreshold: z.number().int().min(1).default(5),
        /** How long an open circuit refuses traffic before one probe is let through. */
        cooldownMs: z.number().int().positive().default(15_000),
      })
      .strict()
      .default({ failureThreshold: 5, cooldownMs: 15_000 }),
  })
  .strict()

export const sluiceConfigSchema = z
  .object({
    /** JSON Schema reference for editors; ignored. */
    $schema: z.string().optional(),
    server: serverConfigSchema.default(() => serverConfigSchema.parse({})),
    /** Where state files go, relative to the config file. */
    dataDir: z.string().default('./data'),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    plugins: z.array(pluginEntrySchema).default([]),
    /** USD per million tokens per model (or `provider/model`), over the built-in price table. */
    prices: z
      .record(z.string().min(1), z.object({ input: z.number().nonnegative(), output: z.number().nonnegative(), cachedInput: z.number().nonnegative().optional(), cacheWriteInput: z.number().nonnegative().optional() }).strict())
      .default({}),
    /** The hash-chained audit log (admin actions, refusals): a JSON-lines file under dataDir. */
    audit: z
      .object({ enabled: z.boolean().default(true), file: z.string().min(1).default('audit.jsonl') })
      .strict()
      .default({ enabled: true, file: 'audit.jsonl' }),
    /** Model aliases with weighted targets, fallbacks, retries and timeouts. */
    routes: z.record(z.string().min(1), routeSchema).default({}),
    routing: routingSchema.default(() => routingSchema.parse({})),
  })
  .strict()

export type SluiceConfig = z.output<typeof sluiceConfigSchema>
export type SluiceConfigInput = z.input<typeof sluiceConfigSchema>
export type ServerConfig = z.output<typeof serverConfigSchema>
export type RouteConfig = z.output<typeof routeSchema>
export type RoutingConfig = z.output<typeof routingSchema>
export type TargetConfig = z.output<typeof targetSchema>
export type RetryConfig = z.output<typeof retrySchema>
