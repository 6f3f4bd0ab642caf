import { z } from 'zod'
import { definePlugin } from '@sluice/sdk'
import type { ChatResponse } from '@sluice/sdk'
import { logRoutes } from './api.js'
import { toRow } from './row.js'
import { openLogStore } from './open-store.js'
import type { LogRow } from './store.js'

export const optionsSchema = z
  .object({
    /**
     * Where records go: an SQLite file relative to the gateway's dataDir (`requests.db`,
     * `sqlite:./logs/requests.db`), or `postgres://…` when several nodes share one log.
     */
    store: z.string().min(1).default('requests.db'),
    /** Store prompts and answers too (they may hold personal data). */
    bodies: z.boolean().default(false),
    /** Store prompts and answers for these key ids only (when `bodies` is off). */
    bodiesForKeys: z.array(z.string().min(1)).default([]),
    /** Rows written per transaction, at most. */
    batchSize: z.number().int().positive().default(500),
    /** How often queued rows are written, ms. */
    flushIntervalMs: z.number().int().positive().default(1000),
    /** Rows waiting to be written, at most; past it new rows are dropped and counted (never blocks). */
    maxQueue: z.number().int().positive().default(50_000),
    /** Rows older than this many days are deleted (hourly). 0 keeps everything. */
    retentionDays: z.number().nonnegative().default(30),
    /** Enables the query API (`/admin/v1/logs`) for callers presenting this bearer token. */
    adminToken: z.string().min(16, 'use at least 16 characters').optional(),
  })
  .strict()

declare module '@sluice/sdk' {
  interface SluiceMeta {
    /** The answer text, kept by @sluice/request-log when bodies are logged. */
    requestLogAnswer?: string
  }
}

/**
 * One record per request (streams included, with their usage) in an embedded SQLite store, or
 * PostgreSQL for several nodes:
 * ids, key/team/customer, provider, model, attempts, status, error type, tokens, latency parts,
 * short-circuit; prompt and answer only with `bodies: true`. Rows are queued and written in
 * batches off the request path; on overload new rows are dropped and counted, never waited for;
 * everything queued is written on shutdown. Query API with filters and cursor pages, JSONL export.
 *
 * @example
 * { "plugins": [["@sluice/request-log", { "adminToken": "${SLUICE_ADMIN_TOKEN}" }], ["@sluice/provider-openai", { … }]] }
 */
export default definePlugin({
  name: '@sluice/request-log',
  options: optionsSchema,
  // A logging failure must not cost a request; it is counted and logged.
  failOpen: true,
  setup(options, { dataDir, log }) {
    const store = openLogStore(options.store, dataDir)
    let queue: LogRow[] = []
    let dropped = 0
    // One write at a time, in order; `flush` resolves once everything queued so far is stored.
    let writing: Promise<void> = Promise.resolve()
    const flush = (): Promise<void> => {
      writing = writing.then(async () => {
        while (queue.length) {
          const batch = queue.slice(0, options.batchSize)
          queue = queue.slice(batch.length)
          try {
            await store.insert(batch)
          } catch (error) {
            dropped += batch.length
            log.error('request log write failed', { rows: batch.length, error: error instanceof Error ? error.message : String(error) })
          }
        }
      })
      return writing
    }
    const timer = setInterval(() => void flush(), options.flushIntervalMs)
    timer.unref()
    const retain = () => {
      if (options.retentionDays > 0)
        store.deleteBefore(Date.now() - options.retentionDays * 86_400_000).catch((error: unknown) => log.error('request log retention failed', { error: error instanceof Error ? error.message : String(error) }))
    }
    retain()
    const retention = setInterval(retain, 3_600_000)
    retention.unref()
    return {
      response: options.bodies || options.bodiesForKeys.length
        ? {
            complete(ctx, response) {
              const choice = (response as ChatResponse).choices?.[0]
              const content = choice?.message.content
              if (typeof content === 'string') ctx.meta.requestLogAnswer = content
            },
          }
        : undefined,
      postLog(ctx, record) {
        if (queue.length >= options.maxQueue) {
          dropped++
          return
        }
        const bodies = options.bodies || (record.identity !== undefined && options.bodiesForKeys.includes(record.identity.id))
        queue.push(toRow(ctx, record, bodies))
      },
      routes: options.adminToken ? logRoutes(store, options.adminToken, flush) : [],
      async close() {
        clearInterval(timer)
        clearInterval(retention)
        await flush()
        if (dropped) log.warn('request log dropped rows under load', { dropped })
        await store.close()
      },
    }
  },
})

export { openLogStore } from './open-store.js'
export { SqliteLogStore } from './store-sqlite.js'
export { PgLogStore } from './store-pg.js'
export type { LogFilter, LogRow, LogStore } from './store.js'
