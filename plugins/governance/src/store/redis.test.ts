import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { RedisDefinitionStore } from './redis.js'

const redisUrl = process.env.SLUICE_TEST_REDIS_URL
const clients: Redis[] = []
afterAll(async () => {
  for (const c of clients) c.disconnect()
})

it.skipIf(!redisUrl)('hears change announcements again after its subscriber connection was dropped, and re-reads everything', async () => {
  const prefix = `unit-${randomUUID()}:`
  const redis = new Redis(redisUrl!, { lazyConnect: true })
  const admin = new Redis(redisUrl!)
  clients.push(redis, admin)
  await redis.connect()
  const errors: Error[] = []
  const store = new RedisDefinitionStore(redis, prefix, (e) => errors.push(e))
  const changes: string[] = []
  let resyncs = 0
  await store.watch((kind, id) => changes.push(`${kind}:${id}`), () => resyncs++)
  const announce = (id: string) => admin.publish(`${prefix}changes`, JSON.stringify({ kind: 'key', id }))
  await announce('before')
  await expect.poll(() => changes).toEqual(['key:before'])

  // What a Redis restart or a network cut does to the subscriber connection.
  await admin.client('KILL', 'TYPE', 'pubsub')
  await expect.poll(() => resyncs).toBe(1)
  await expect.poll(async () => (await announce('after'), changes.includes('key:after'))).toBe(true)
  await store.close()
  expect(errors.filter((e) => !/ECONNRESET|Connection is closed/.test(e.message))).toEqual([])
})
