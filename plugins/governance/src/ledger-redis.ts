import type { Redis } from 'ioredis'
import type { AdmitInput, AdmitResult, Ledger, RenewInput, SettleInput } from './ledger.js'

// Counters stay readable a while after their window ends (admin usage reports), then go. Expiry
// is relative to the gateway's clock (PEXPIRE, not PEXPIREAT), so an injected clock works too.
const KEEP_AFTER_MS = 3_600_000

/**
 * One round trip per admission: purge dead reservations, check every request, token and budget
 * limit of every owner, then count the request and reserve the amount; all or nothing, atomic
 * because Redis runs one script at a time. Reservations are a hash (id → amount), a sorted set
 * by expiry, and a running sum per owner.
 */
const ADMIT = `
local p = ARGV[1]
local now = tonumber(ARGV[2])
local input = cjson.decode(ARGV[3])
local keep = tonumber(ARGV[4])
local function get(k) return tonumber(redis.call('GET', p .. k) or '0') end
local function reserved(owner)
  local zk, hk, sk = p .. 'rexp:' .. owner, p .. 'res:' .. owner, p .. 'rsum:' .. owner
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', zk, '-inf', now)) do
    local amount = redis.call('HGET', hk, id)
    if amount then redis.call('DECRBY', sk, amount) redis.call('HDEL', hk, id) end
    redis.call('ZREM', zk, id)
  end
  return tonumber(redis.call('GET', sk) or '0')
end
local held = {}
for c, check in ipairs(input.checks) do
  for i, r in ipairs(check.requests) do
    if get(r.counter) + 1 > r.limit then return {0, 'requests', c - 1, i - 1, r.resetAt} end
  end
  for i, t in ipairs(check.tokens) do
    if get(t.counter) >= t.limit then return {0, 'tokens', c - 1, i - 1, t.resetAt} end
  end
  held[c] = reserved(check.owner)
  for i, b in ipairs(check.budgets) do
    if get(b.counter) + held[c] >= b.limitNano then return {0, 'budget', c - 1, i - 1, b.resetAt} end
  end
end
local budgets, requests, tokens = {}, {}, {}
for c, check in ipairs(input.checks) do
  local rq = {}
  for i, r in ipairs(check.requests) do
    local n = redis.call('INCR', p .. r.counter)
    if r.resetAt > 0 then redis.call('PEXPIRE', p .. r.counter, math.max(1, r.resetAt - now) + keep) end
    rq[i] = r.limit - n
  end
  requests[c] = rq
  if input.amountNano > 0 then
    redis.call('HSET', p .. 'res:' .. check.owner, input.reservationId, input.amountNano)
    redis.call('ZADD', p .. 'rexp:' .. check.owner, input.expiresAt, input.reservationId)
    held[c] = redis.call('INCRBY', p .. 'rsum:' .. check.owner, input.amountNano)
  end
  local bs = {}
  for i, b in ipairs(check.budgets) do bs[i] = b.limitNano - get(b.counter) - held[c] end
  budgets[c] = bs
  local ts = {}
  for i, t in ipairs(check.tokens) do ts[i] = t.limit - get(t.counter) end
  tokens[c] = ts
end
return {1, budgets, requests, tokens}
`

const SETTLE = `
local p = ARGV[1]
local input = cjson.decode(ARGV[2])
local keep = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
-- Once per reservation: a settlement retried after a lost reply must not charge twice.
if not redis.call('SET', p .. 'settled:' .. input.reservationId, 1, 'NX', 'PX', 86400000) then return 0 end
for _, owner in ipairs(input.owners) do
  local hk = p .. 'res:' .. owner
  local amount = redis.call('HGET', hk, input.reservationId)
  if amount then
    redis.call('DECRBY', p .. 'rsum:' .. owner, amount)
    redis.call('HDEL', hk, input.reservationId)
    redis.call('ZREM', p .. 'rexp:' .. owner, input.reservationId)
  end
end
for _, add in ipairs(input.adds) do
  redis.call('INCRBY', p .. add.counter, add.by)
  if add.expireAt > 0 then redis.call('PEXPIRE', p .. add.counter, math.max(1, add.expireAt - now) + keep) end
end
return 1
`

type Scripted = Redis & {
  sluiceAdmit(prefix: string, now: number, input: string, keep: number): Promise<unknown[]>
  sluiceSettle(prefix: string, input: string, keep: number, now: number): Promise<number>
}

/** Budgets and rate limits shared by every gateway node on one Redis. */
export class RedisLedger implements Ledger {
  readonly #redis: Scripted
  readonly #prefix: string

  constructor(redis: Redis, prefix: string) {
    redis.defineCommand('sluiceAdmit', { numberOfKeys: 0, lua: ADMIT })
    redis.defineCommand('sluiceSettle', { numberOfKeys: 0, lua: SETTLE })
    this.#redis = redis as Scripted
    this.#prefix = prefix
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    const wire = {
      ...input,
      checks: input.checks.map((c) => ({
        owner: c.owner,
        budgets: c.budgets.map((b) => ({ ...b, resetAt: finite(b.resetAt) })),
        requests: c.requests.map((r) => ({ ...r, resetAt: finite(r.resetAt) })),
        tokens: c.tokens.map((t) => ({ ...t, resetAt: finite(t.resetAt) })),
      })),
    }
    const reply = await this.#redis.sluiceAdmit(this.#prefix, input.now, JSON.stringify(wire), KEEP_AFTER_MS)
    if (reply[0] === 1) {
      const [, budgets, requests, tokens] = reply as [number, number[][], number[][], number[][]]
      return { ok: true, remaining: { budgets, requests, tokens } }
    }
    const [, kind, check, index, resetAt] = reply as [number, 'budget' | 'requests' | 'tokens', number, number, number]
    return { ok: false, kind, check, index, resetAt: resetAt || Number.POSITIVE_INFINITY }
  }

  /** ZADD XX: a reservation already purged (or settled) is not brought back. */
  async renew(input: RenewInput): Promise<void> {
    const pipeline = this.#redis.pipeline()
    for (const owner of input.owners) pipeline.zadd(`${this.#prefix}rexp:${owner}`, 'XX', input.expiresAt, input.reservationId)
    await pipeline.exec()
  }

  async settle(input: SettleInput): Promise<void> {
    const wire = { ...input, adds: input.adds.map((a) => ({ ...a, expireAt: finite(a.expireAt) })) }
    await this.#redis.sluiceSettle(this.#prefix, JSON.stringify(wire), KEEP_AFTER_MS, input.now)
  }

  async read(counters: string[], owners: string[]): Promise<{ counters: number[]; reserved: number[] }> {
    const keys = [...counters.map((c) => this.#prefix + c), ...owners.map((o) => `${this.#prefix}rsum:${o}`)]
    const values = keys.length ? await this.#redis.mget(...keys) : []
    const numbers = values.map((v) => Number(v ?? 0))
    return { counters: numbers.slice(0, counters.length), reserved: numbers.slice(counters.length) }
  }

  async close(): Promise<void> {}
}

/** JSON has no Infinity: 0 stands for "never". */
function finite(ms: number): number {
  return Number.isFinite(ms) ? ms : 0
}
