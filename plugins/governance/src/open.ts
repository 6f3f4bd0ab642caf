import path from 'node:path'
import { Redis } from 'ioredis'
import type { Logger } from '@sluice/sdk'
import type { Ledger } from './ledger.js'
import { MemoryLedger } from './ledger-memory.js'
import { RedisLedger } from './ledger-redis.js'
import type { DefinitionStore } from './store/definitions.js'
import { RedisDefinitionStore } from './store/redis.js'
import { SqliteStore } from './store/sqlite.js'

export interface Backend {
  store: DefinitionStore
  ledger: Ledger
  release(): Promise<void>
}

// One embedded store per file in a process: a config reload builds a new plugin instance while
// the old one finishes its requests, and both must count into the same ledger.
const shared = new Map<string, { backend: Omit<Backend, 'release'>; refs: number }>()

/**
 * Opens the store named by `store`: `redis://…` (several nodes), `memory:` (nothing kept), or an
 * SQLite file relative to the dataDir (`governance.db`, `sqlite:./state/gov.db`).
 */
export async function openBackend(store: string, dataDir: string, opts: { flushIntervalMs: number; redisPrefix: string; clock: () => number; log: Logger }): Promise<Backend> {
  if (/^rediss?:\/\//.test(store)) {
    // Fail fast when Redis is away: a request waits at most ~2 reconnect attempts, then is refused (503).
    const redis = new Redis(store, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true })
    redis.on('error', throttled(opts.log))
    await redis.connect()
    const definitions = new RedisDefinitionStore(redis, opts.redisPrefix, throttled(opts.log))
    return {
      store: definitions,
      ledger: new RedisLedger(redis, opts.redisPrefix),
      async release() {
        await definitions.close()
        await redis.quit().catch(() => redis.disconnect())
      },
    }
  }
  if (store === 'memory:') {
    const sqlite = new SqliteStore(':memory:')
    const ledger = new MemoryLedger(undefined, opts.flushIntervalMs, opts.clock)
    return { store: sqlite, ledger, release: async () => (await ledger.close(), await sqlite.close()) }
  }
  const file = path.resolve(dataDir, store.replace(/^sqlite:/, ''))
  let entry = shared.get(file)
  if (!entry) {
    const sqlite = new SqliteStore(file)
    entry = { backend: { store: sqlite, ledger: new MemoryLedger(sqlite, opts.flushIntervalMs, opts.clock) }, refs: 0 }
    shared.set(file, entry)
  }
  entry.refs++
  const held = entry
  let released = false
  return {
    ...held.backend,
    async release() {
      if (released) return
      released = true
      if (--held.refs > 0) return
      shared.delete(file)
      // The ledger writes its last counters, then closes the file.
      await held.backend.ledger.close()
    },
  }
}

/** Connection errors repeat every reconnect attempt: one log line per 10 s is enough. */
function throttled(log: Logger): (error: Error) => void {
  let last = 0
  return (error) => {
    const now = Date.now()
    if (now - last < 10_000) return
    last = now
    // ioredis messages name host and port, never the password of the URL.
    log.warn('governance: Redis connection problem', { error: error.message })
  }
}
