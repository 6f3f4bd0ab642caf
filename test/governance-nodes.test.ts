import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { freePort, runCli, waitHealthy } from './helpers/cli.js'
import type { Run } from './helpers/cli.js'

// Gateway processes: restarts (graceful and SIGKILL) on the embedded store, and two nodes on one Redis.

const ADMIN = 'admin-token-0123456789abcdef'
const KEY = 'sk-sluice-nodes-test-0123456789abcdef'
const REDIS = process.env.SLUICE_TEST_REDIS_URL

const dirs: string[] = []
const running: Run[] = []
afterEach(async () => {
  for (const run of running.splice(0)) {
    run.child.kill('SIGKILL')
    await run.exit
  }
})
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function configDir(governance: Record<string, unknown>, mock: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-gov-nodes-'))
  dirs.push(dir)
  const config = {
    dataDir: './data',
    log: { level: 'warn' },
    audit: { enabled: false },
    prices: { 'mock-1': { input: 1000, output: 1000 } },
    plugins: [
      ['@sluice/governance', { adminTokens: [{ token: ADMIN }], keys: [{ id: 'shared', name: 'shared', key: KEY, ...(governance.keyFields as object) }], ...governance, keyFields: undefined }],
      ['@sluice/mock-provider', { models: ['mock-1'], ...mock }],
    ],
  }
  writeFileSync(path.join(dir, 'sluice.config.json'), JSON.stringify(config, (k, v) => (k === 'keyFields' ? undefined : v)))
  return dir
}

async function start(dir: string): Promise<{ url: string; run: Run }> {
  const port = await freePort()
  const run = runCli(['serve', '--config', path.join(dir, 'sluice.config.json'), '--port', String(port)])
  running.push(run)
  const url = `http://127.0.0.1:${port}`
  await waitHealthy(url, run)
  return { url, run }
}

const client = (url: string, apiKey = KEY) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 })
const ask = (url: string, content = 'hello there') => client(url).chat.completions.create({ model: 'mock-1', max_tokens: 10, messages: [{ role: 'user', content }] })

async function usage(url: string, kind = 'virtual-keys', id = 'shared') {
  const res = await fetch(`${url}/admin/v1/${kind}/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { usage: { spentUsd: number; requests: number; tokens: number; reservedUsd: number } }).usage
}

async function stop(run: Run, signal: NodeJS.Signals) {
  run.child.kill(signal)
  await run.exit
  running.splice(running.indexOf(run), 1)
}

describe('embedded store across restarts', () => {
  it('a graceful stop keeps every count exactly', async () => {
    const dir = configDir({ store: 'gov.db' })
    const first = await start(dir)
    for (let i = 0; i < 12; i++) await ask(first.url)
    // Usage is settled after the answer (postLog): wait for the last one before reading.
    await expect.poll(async () => ((u) => [u.requests, u.reservedUsd])(await usage(first.url))).toEqual([12, 0])
    const before = await usage(first.url)
    await stop(first.run, 'SIGTERM')
    const second = await start(dir)
    expect(await usage(second.url)).toEqual(before)
  })

  it('SIGKILL loses at most the last second', async () => {
    const dir = configDir({ store: 'gov.db' })
    const first = await start(dir)
    for (let i = 0; i < 10; i++) await ask(first.url)
    await new Promise((r) => setTimeout(r, 1100))
    const settled = await usage(first.url)
    expect(settled.requests).toBe(10)
    for (let i = 0; i < 5; i++) await ask(first.url)
    await stop(first.run, 'SIGKILL')
    const after = await usage((await start(dir)).url)
    expect(after.requests).toBeGreaterThanOrEqual(10)
    expect(after.requests).toBeLessThanOrEqual(15)
    expect(after.spentUsd).toBeGreaterThanOrEqual(settled.spentUsd)
  })
})

describe.skipIf(!REDIS)('two gateway processes on one Redis', () => {
  it('share one rate limit exactly', async () => {
    const dir = configDir({ store: REDIS, redisPrefix: `t-${randomUUID()}:`, keyFields: { rateLimits: [{ window: 'day', requests: 10 }] } })
    const [a, b] = await Promise.all([start(dir), start(dir)])
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(i % 2 ? a.url : b.url).then(() => 200, (e: InstanceType<typeof OpenAI.APIError>) => e.status)))
    expect(results.filter((s) => s === 200)).toHaveLength(10)
    expect(results.filter((s) => s === 429)).toHaveLength(20)
  })

  it('share one budget: spend never passes it by more than one reservation', async () => {
    const limitUsd = 0.1
    const dir = configDir({ store: REDIS, redisPrefix: `t-${randomUUID()}:`, keyFields: { budgets: [{ limitUsd, period: 'day' }] } }, { chunkDelayMs: 5 })
    const [a, b] = await Promise.all([start(dir), start(dir)])
    const streamOnce = async (url: string) => {
      try {
        const stream = await client(url).chat.completions.create({ model: 'mock-1', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'count me in please' }] })
        for await (const _ of stream);
        return 200
      } catch (e) {
        return (e as InstanceType<typeof OpenAI.APIError>).status
      }
    }
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => streamOnce(i % 2 ? a.url : b.url)))
    await new Promise((r) => setTimeout(r, 100))
    const ok = results.filter((s) => s === 200).length
    expect(ok).toBeGreaterThan(0)
    expect(results.filter((s) => s !== 200).every((s) => s === 402)).toBe(true)
    const spent = await usage(a.url)
    expect(await usage(b.url)).toEqual(spent)
    const oneReservation = (Math.ceil('count me in please'.length / 3) + 7 + 20) * 1000 / 1e6
    expect(spent.spentUsd).toBeLessThanOrEqual(limitUsd + oneReservation)
    expect(spent.requests).toBe(ok)
    expect(spent.reservedUsd).toBe(0)
  })

  it('a key made on one node works on the other at once; revoked there, refused here', async () => {
    const dir = configDir({ store: REDIS, redisPrefix: `t-${randomUUID()}:` })
    const [a, b] = await Promise.all([start(dir), start(dir)])
    const made = await fetch(`${a.url}/admin/v1/virtual-keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'roaming' }) })
    const { id, key } = (await made.json()) as { id: string; key: string }
    expect((await client(b.url, key).chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'hi' }] })).object).toBe('chat.completion')
    await fetch(`${a.url}/admin/v1/virtual-keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })
    await new Promise((r) => setTimeout(r, 100))
    const e = (await client(b.url, key).chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'hi' }] }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
    expect(e.status).toBe(401)
  })
})
