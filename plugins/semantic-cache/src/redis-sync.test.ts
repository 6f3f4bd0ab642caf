// Needs a Redis: SLUICE_TEST_REDIS_URL=redis://127.0.0.1:6395 (a throwaway server, `--save ''`).
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import type { EntryRecord } from './entry.js'
import { RedisSync } from './redis-sync.js'

const REDIS = process.env.SLUICE_TEST_REDIS_URL
const quiet = { debug() {}, info() {}, warn() {}, error() {} }

describe.skipIf(!REDIS)('RedisSync', () => {
  it('loads only the most recent entries a node can hold, oldest first, from a Redis holding many more', async () => {
    const prefix = `sluice:test:${randomUUID()}:`
    const redis = new Redis(REDIS!)
    const sync = new RedisSync(REDIS!, prefix, 'node-a', quiet)
    try {
      // Every node's entries: 1,200 of them, more than one scan batch.
      const now = Date.now()
      const write = redis.pipeline()
      for (let i = 0; i < 1200; i++) {
        const record: EntryRecord = { key: `k${i}`, namespace: 'anon', response: '{}', createdAt: now - 1_000_000 + i, expiresAt: now + 60_000 }
        write.set(`${prefix}e:k${i}`, JSON.stringify(record), 'PX', 60_000)
      }
      await write.exec()
      const loaded = await sync.start(() => {}, 10)
      expect(loaded.map((r) => r.key)).toEqual(Array.from({ length: 10 }, (_, i) => `k${1190 + i}`))
    } finally {
      await sync.close()
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length) await redis.del(...keys)
      await redis.quit()
    }
  })
})
