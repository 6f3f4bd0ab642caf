import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { definePlugin } from '@sluice/sdk'
import type { ChatResponse } from '@sluice/sdk'
import { SemanticCache } from './cache.js'
import { createLocalEmbedder, modelIdentity, modelSource } from './local-embedder.js'
import type { Embedder } from './local-embedder.js'
import { optionsSchema } from './options.js'
import { createRemoteEmbedder } from './remote-embedder.js'
import { RedisSync } from './redis-sync.js'
import { SqliteEntryStore } from './sqlite-store.js'
import { joinSiblings } from './siblings.js'
import type { Siblings } from './siblings.js'

/**
 * An exact and semantic response cache. Exact: a hash of the caller's namespace and every
 * request field that changes the answer. Semantic: the last user turn embedded locally
 * (transformers.js in worker processes, batched; or an OpenAI-compatible embeddings API), matched by cosine similarity among entries
 * with the same namespace and the same context (system prompt, earlier turns, model, params).
 * Entries persist in SQLite under dataDir and, with `redis`, are shared between nodes.
 * Hits answer early (`ctx.respond`), as JSON or as a replayed SSE stream, so the response hooks
 * of plugins listed before the cache (output guardrails) and every postLog hook still run.
 *
 * @example
 * { "plugins": [
 *   ["@sluice/guardrails", { … }],
 *   ["@sluice/semantic-cache", { "ttlSeconds": 3600, "threshold": 0.9, "redis": "${REDIS_URL}" }],
 *   ["@sluice/provider-openai", { "keys": [{ "value": "${OPENAI_API_KEY}" }] }]
 * ] }
 */
export default definePlugin({
  name: '@sluice/semantic-cache',
  options: optionsSchema,
  // A cache that breaks must not break requests: they go upstream, and the error is logged.
  failOpen: true,
  async setup(options, { configDir, dataDir, log, cost }) {
    let embedder: Embedder | undefined
    let sqlite: SqliteEntryStore | undefined
    let redis: RedisSync | undefined
    let siblings: Siblings | undefined
    const config = options.embedder
    // Names the vectors' model in the semantic partition: vectors of two models never meet.
    let embedModel: string
    try {
      if ('url' in config) {
        embedModel = `${config.url}#${config.model}#${config.dimensions ?? ''}`
        if (options.semantic) embedder = createRemoteEmbedder(config)
      } else {
        const source = modelSource(config, configDir, dataDir)
        embedModel = modelIdentity(source)
        if (options.semantic) {
          const local = createLocalEmbedder(config, source)
          embedder = local
          await local.warmUp()
        }
      }
      const sqliteFile = options.sqlite === false ? undefined : path.resolve(dataDir, options.sqlite.replace(/^sqlite:/, ''))
      if (sqliteFile)
        sqlite = new SqliteEntryStore(sqliteFile, (error) =>
          log.error('semantic-cache: sqlite write failed', { error: error instanceof Error ? error.message : String(error) }),
        )
      if (options.redis) redis = new RedisSync(options.redis, options.redisPrefix, randomUUID(), log)
      const cache = new SemanticCache(options, { log, embedder, embedModel, sqlite, redis, cost, share: (entry) => siblings?.publish(entry) })
      await cache.load()
      // The instance this one replaces (a reload) hands over what it holds and what it still stores.
      const store = sqliteFile ? `sqlite:${sqliteFile}` : options.redis ? `redis:${options.redis}#${options.redisPrefix}` : `memory:${path.resolve(dataDir)}`
      siblings = joinSiblings(store, { entries: () => cache.index.entries(), adopt: (entry) => cache.adopt(entry) })
      for (const entry of siblings.inherit()) cache.adopt(entry)
      const sweeper = setInterval(() => cache.sweep(), Math.min(60_000, options.ttlSeconds * 1000))
      sweeper.unref()
      return {
        preRequest: (ctx) => cache.lookup(ctx),
        response: {
          complete(ctx, response) {
            if (ctx.request.operation === 'chat') cache.store(ctx, response as ChatResponse)
          },
        },
        postLog: (ctx, record) => cache.persist(ctx, record),
        async close() {
          siblings?.leave()
          clearInterval(sweeper)
          await redis?.close()
          sqlite?.close()
          await embedder?.close()
        },
      }
    } catch (error) {
      siblings?.leave()
      await redis?.close()
      sqlite?.close()
      await embedder?.close()
      throw error
    }
  },
})

export { localEmbedderSchema, optionsSchema } from './options.js'
export { createRemoteEmbedder } from './remote-embedder.js'
export type { SemanticCacheOptions } from './options.js'
export { SemanticCache } from './cache.js'
export { MemoryIndex } from './memory-index.js'
export { Batcher } from './batcher.js'
export { createLocalEmbedder, modelSource } from './local-embedder.js'
export type { Embedder } from './local-embedder.js'
export { canonicalJson, exactKey, namespaceOf, semanticQuery } from './request-key.js'
