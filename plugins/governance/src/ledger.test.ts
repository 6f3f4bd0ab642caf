import { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { Ledger, OwnerCheck } from './ledger.js'
import { MemoryLedger } from './ledger-memory.js'
import { RedisLedger } from './ledger-redis.js'

// The same cases against both ledgers: they must agree to the unit.

const redisUrl = process.env.SLUICE_TEST_REDIS_URL
const clients: Redis[] = []
afterAll(() => clients.forEach((c) => c.disconnect()))

const makers: [string, () => Ledger][] = [['memory', () => new MemoryLedger(undefined, 250, () => 0)]]
if (redisUrl)
  makers.push([
    'redis',
    () => {
      const redis = new Redis(redisUrl)
      clients.push(redis)
      return new RedisLedger(redis, `unit-${randomUUID()}:`)
    },
  ])

const check = (over: Partial<OwnerCheck> = {}): OwnerCheck => ({ owner: 'key:a', budgets: [], requests: [], tokens: [], ...over })

describe.each(makers)('%s ledger', (_name, make) => {
  it('counts requests and refuses the one over the limit, naming it', async () => {
    const ledger = make()
    const checks = [check({ requests: [{ counter: 'rq1', limit: 2, resetAt: 60_000 }] })]
    const admit = () => ledger.admit({ now: 0, checks, amountNano: 0, reservationId: randomUUID(), expiresAt: 1e9 })
    expect(await admit()).toMatchObject({ ok: true, remaining: { requests: [[1]] } })
    expect(await admit()).toMatchObject({ ok: true, remaining: { requests: [[0]] } })
    expect(await admit()).toEqual({ ok: false, kind: 'requests', check: 0, index: 0, resetAt: 60_000 })
  })

  it('reserves on every owner, refuses once spent + reserved reach the limit, and settles to the real cost', async () => {
    const ledger = make()
    const checks = [check({ owner: 'key:k', budgets: [{ counter: 'bk', limitNano: 100, resetAt: 1e9 }] }), check({ owner: 'team:t', budgets: [{ counter: 'bt', limitNano: 1000, resetAt: 1e9 }] })]
    const first = await ledger.admit({ now: 0, checks, amountNano: 60, reservationId: 'r1', expiresAt: 1e9 })
    expect(first).toMatchObject({ ok: true, remaining: { budgets: [[40], [940]] } })
    // 60 reserved of 100: one more fits (the last may pass the limit by its own reservation) …
    expect((await ledger.admit({ now: 0, checks, amountNano: 60, reservationId: 'r2', expiresAt: 1e9 })).ok).toBe(true)
    // … and then nothing.
    expect(await ledger.admit({ now: 0, checks, amountNano: 60, reservationId: 'r3', expiresAt: 1e9 })).toMatchObject({ ok: false, kind: 'budget', check: 0 })
    await ledger.settle({ now: 0, reservationId: 'r1', owners: ['key:k', 'team:t'], amountNano: 60, adds: [{ counter: 'bk', by: 10, expireAt: 1e9 }, { counter: 'bt', by: 10, expireAt: 1e9 }] })
    await ledger.settle({ now: 0, reservationId: 'r2', owners: ['key:k', 'team:t'], amountNano: 60, adds: [{ counter: 'bk', by: 10, expireAt: 1e9 }, { counter: 'bt', by: 10, expireAt: 1e9 }] })
    expect(await ledger.read(['bk', 'bt'], ['key:k', 'team:t'])).toEqual({ counters: [20, 20], reserved: [0, 0] })
    // Settling twice does not release twice.
    await ledger.settle({ now: 0, reservationId: 'r2', owners: ['key:k'], amountNano: 60, adds: [] })
    expect((await ledger.read([], ['key:k'])).reserved).toEqual([0])
  })

  it('refuses tokens once the window\'s count reaches the limit', async () => {
    const ledger = make()
    const checks = [check({ tokens: [{ counter: 'tk', limit: 100, resetAt: 1e9 }] })]
    expect((await ledger.admit({ now: 0, checks, amountNano: 0, reservationId: 'a', expiresAt: 1e9 })).ok).toBe(true)
    await ledger.settle({ now: 0, reservationId: 'a', owners: ['key:a'], amountNano: 0, adds: [{ counter: 'tk', by: 100, expireAt: 1e9 }] })
    expect(await ledger.admit({ now: 0, checks, amountNano: 0, reservationId: 'b', expiresAt: 1e9 })).toMatchObject({ ok: false, kind: 'tokens' })
  })

  it('releases a reservation nobody settled once it expires', async () => {
    const ledger = make()
    const checks = [check({ budgets: [{ counter: 'b', limitNano: 100, resetAt: 1e12 }] })]
    expect((await ledger.admit({ now: 0, checks, amountNano: 100, reservationId: 'lost', expiresAt: 5_000 })).ok).toBe(true)
    expect((await ledger.admit({ now: 1_000, checks, amountNano: 1, reservationId: 'x', expiresAt: 1e12 })).ok).toBe(false)
    expect((await ledger.admit({ now: 6_000, checks, amountNano: 1, reservationId: 'y', expiresAt: 1e12 })).ok).toBe(true)
  })

  it('keeps a renewed reservation past its first expiry, and does not bring back one that lapsed', async () => {
    const ledger = make()
    const checks = [check({ budgets: [{ counter: 'b', limitNano: 100, resetAt: 1e12 }] })]
    expect((await ledger.admit({ now: 0, checks, amountNano: 100, reservationId: 'long', expiresAt: 5_000 })).ok).toBe(true)
    await ledger.renew({ reservationId: 'long', owners: ['key:a'], expiresAt: 20_000 })
    expect((await ledger.admit({ now: 6_000, checks, amountNano: 1, reservationId: 'x', expiresAt: 1e12 })).ok).toBe(false)
    expect((await ledger.admit({ now: 21_000, checks, amountNano: 1, reservationId: 'y', expiresAt: 1e12 })).ok).toBe(true)
    await ledger.renew({ reservationId: 'long', owners: ['key:a'], expiresAt: 1e12 })
    expect((await ledger.read([], ['key:a'])).reserved).toEqual([1])
  })

  it('changes nothing when one owner refuses', async () => {
    const ledger = make()
    const checks = [check({ owner: 'key:z', requests: [{ counter: 'zr', limit: 5, resetAt: 1e9 }] }), check({ owner: 'team:z', requests: [{ counter: 'zt', limit: 0.5, resetAt: 1e9 }] })]
    expect((await ledger.admit({ now: 0, checks, amountNano: 10, reservationId: 'n', expiresAt: 1e9 })).ok).toBe(false)
    expect(await ledger.read(['zr', 'zt'], ['key:z', 'team:z'])).toEqual({ counters: [0, 0], reserved: [0, 0] })
  })
})

it.skipIf(!redisUrl)('redis ledger: a settlement retried after a lost reply charges once', async () => {
  const redis = new Redis(redisUrl!)
  clients.push(redis)
  const ledger = new RedisLedger(redis, `unit-${randomUUID()}:`)
  const settlement = { now: 0, reservationId: 'r-once', owners: ['key:a'], amountNano: 0, adds: [{ counter: 'key:a|spent', by: 500, expireAt: Number.POSITIVE_INFINITY }] }
  await ledger.settle(settlement)
  await ledger.settle(settlement)
  expect((await ledger.read(['key:a|spent'], [])).counters).toEqual([500])
})
