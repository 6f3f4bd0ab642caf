import { mkdtempSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { Redis } from 'ioredis'
import { freePort, runCli, waitHealthy } from './helpers/cli.js'
import type { Run } from './helpers/cli.js'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'
import { FIXTURE_MODEL, ask } from './helpers/semantic-cache.js'

const REDIS = process.env.SLUICE_TEST_REDIS_URL

// Gateway processes (`sluice serve`), each with its own dataDir and in-memory index, sharing one
// Redis and one mock upstream.
describe.skipIf(!REDIS)('semantic cache across gateway processes (Redis)', () => {
  const prefix = `sluice:test:${randomUUID()}:`
  const runs: Run[] = []
  let upstream: OpenAIUpstream

  async function node(): Promise<OpenAI> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cache-node-'))
    const port = await freePort()
    const config = {
      server: { host: '127.0.0.1', port },
      dataDir: dir,
      log: { level: 'warn' },
      plugins: [
        ['@sluice/semantic-cache', { redis: REDIS, redisPrefix: prefix, embedder: { model: FIXTURE_MODEL } }],
        ['@sluice/provider-openai', { baseURL: upstream.url, keys: [{ value: 'sk-upstream' }], models: ['gpt-4o-mini'] }],
      ],
    }
    const file = path.join(dir, 'sluice.config.json')
    writeFileSync(file, JSON.stringify(config))
    const run = runCli(['serve', '--config', file])
    runs.push(run)
    await waitHealthy(`http://127.0.0.1:${port}`, run)
    return new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 })
  }

  let a: OpenAI
  let b: OpenAI
  beforeAll(async () => {
    upstream = await startOpenAIUpstream()
    ;[a, b] = await Promise.all([node(), node()])
  })
  afterAll(async () => {
    for (const run of runs) run.child.kill('SIGTERM')
    await Promise.all(runs.map((r) => r.exit))
    await upstream?.close()
    const redis = new Redis(REDIS!)
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
  })

  it('serves on one node an answer stored by another, exact and semantic', async () => {
    const first = await ask(a, 'What is the capital of Italy?')
    expect(first.cache).toBe('miss')
    // The entry travels by pub/sub after the answer went out: poll without storing.
    let hit = await ask(b, 'What is the capital of Italy?', { headers: { 'x-sluice-cache': 'no-store' } })
    for (let i = 0; i < 40 && hit.cache !== 'hit-exact'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      hit = await ask(b, 'What is the capital of Italy?', { headers: { 'x-sluice-cache': 'no-store' } })
    }
    expect(hit).toMatchObject({ text: first.text, cache: 'hit-exact' })
    const before = upstream.received.length
    expect(await ask(b, "what's Italy's capital city?")).toMatchObject({ text: first.text, cache: 'hit-semantic' })
    expect(upstream.received.length).toBe(before)
  })

  it('stores entries in Redis with their TTL', async () => {
    const redis = new Redis(REDIS!)
    try {
      const keys = await redis.keys(`${prefix}e:*`)
      expect(keys.length).toBeGreaterThanOrEqual(1)
      const ttl = await redis.pttl(keys[0])
      expect(ttl).toBeGreaterThan(3_500_000)
      expect(ttl).toBeLessThanOrEqual(3_600_000)
    } finally {
      await redis.quit()
    }
  })

  it('loads the shared entries when a node starts', async () => {
    const c = await node()
    const before = upstream.received.length
    expect((await ask(c, 'What is the capital of Italy?')).cache).toBe('hit-exact')
    expect((await ask(c, "what's Italy's capital city?")).cache).toBe('hit-semantic')
    expect(upstream.received.length).toBe(before)
  })
})
