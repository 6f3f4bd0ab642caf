import { afterEach, describe, expect, it } from 'vitest'
import { Agent, request } from 'undici'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import type { SluiceConfigInput } from '@sluice/sdk'
import { load, startChaosUpstream } from './helpers/chaos-upstream.js'
import type { ChaosUpstream } from './helpers/chaos-upstream.js'

// Chaos scenarios on loopback, each bounded in request count; no timing assertions.

const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 })
const open: { gateways: Gateway[]; upstreams: ChaosUpstream[] } = { gateways: [], upstreams: [] }

afterEach(async () => {
  await Promise.all(open.gateways.splice(0).map((g) => g.close()))
  await Promise.all(open.upstreams.splice(0).map((u) => u.stop().catch(() => {})))
})

async function upstreams(...names: string[]): Promise<ChaosUpstream[]> {
  const started = await Promise.all(names.map((n) => startChaosUpstream(n)))
  open.upstreams.push(...started)
  return started
}

function provider(u: ChaosUpstream, extra: Record<string, unknown> = {}): [string, Record<string, unknown>] {
  return ['@sluice/provider-openai', { id: u.name, baseURL: u.url, keys: [{ value: `sk-${u.name}-key-000000000000`, id: 'k1' }], models: ['gpt-4o-mini'], timeoutMs: 2_000, ...extra }]
}

async function gateway(config: SluiceConfigInput): Promise<Gateway> {
  const g = await createGateway({ log: { level: 'silent' }, ...config })
  open.gateways.push(g)
  await g.listen({ port: 0, host: '127.0.0.1' })
  return g
}

async function chat(g: Gateway, model: string, stream = false) {
  const res = await request(`${g.url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  })
  const text = await res.body.text()
  return { status: res.statusCode, text, headers: res.headers }
}

const served = (text: string) => /served by (\w+)/.exec(text)?.[1]

describe('routing under chaos', () => {
  it('absorbs one of two providers failing with 500s: zero failed requests, circuit opens', async () => {
    const [good, bad] = await upstreams('good', 'bad')
    bad.behaviour = 'error500'
    const g = await gateway({
      plugins: [provider(good), provider(bad)],
      routes: { smart: { targets: [{ provider: 'good', model: 'gpt-4o-mini' }, { provider: 'bad', model: 'gpt-4o-mini' }] } },
      routing: { circuit: { failureThreshold: 3, cooldownMs: 60_000 } },
    })
    const results = await load(2000, 50, () => chat(g, 'smart'))
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    expect(results.every((r) => r.text.includes('served by good'))).toBe(true)
    const health = JSON.parse(await (await request(`${g.url}/health`, { dispatcher: agent })).body.text())
    expect(health.targets['bad/gpt-4o-mini'].state).toBe('open')
    // Once open, the broken target is left alone: far fewer calls than requests.
    expect(bad.calls.length).toBeLessThan(100)
  })

  it('respects weights between healthy targets within tolerance', async () => {
    const [a, b] = await upstreams('alpha', 'beta')
    const g = await gateway({
      plugins: [provider(a), provider(b)],
      routes: { split: { targets: [{ provider: 'alpha', model: 'gpt-4o-mini', weight: 3 }, { provider: 'beta', model: 'gpt-4o-mini', weight: 1 }] } },
    })
    const results = await load(2000, 50, () => chat(g, 'split'))
    expect(results.every((r) => r.status === 200)).toBe(true)
    const share = a.calls.length / (a.calls.length + b.calls.length)
    expect(share).toBeGreaterThan(0.7)
    expect(share).toBeLessThan(0.8)
  })

  it('rests a key that answers 429 for its retry-after and serves from the other key', async () => {
    const [u] = await upstreams('limited')
    u.retryAfterSeconds = 30
    u.byKey.set('sk-limited-hot-00000000000', 'rate429')
    const g = await gateway({
      plugins: [['@sluice/provider-openai', { id: 'limited', baseURL: u.url, keys: [{ value: 'sk-limited-hot-00000000000' }, { value: 'sk-limited-cool-0000000000' }], models: ['gpt-4o-mini'] }]],
    })
    const results = await load(500, 50, () => chat(g, 'gpt-4o-mini'))
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    // The hot key is asked a handful of times (concurrent first requests), then rests.
    const hot = u.calls.filter((c) => c.key === 'sk-limited-hot-00000000000').length
    expect(hot).toBeGreaterThan(0)
    expect(hot).toBeLessThan(60)
  })

  it('passes a 429 on with retry-after when every key is resting', async () => {
    const [u] = await upstreams('storm')
    u.behaviour = 'rate429'
    u.retryAfterSeconds = 20
    const g = await gateway({ plugins: [provider(u)] })
    const r = await chat(g, 'gpt-4o-mini')
    expect(r.status).toBe(429)
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
    expect(JSON.parse(r.text).error.type).toBe('provider_rate_limited')
    expect(u.calls.length).toBe(1)
  })

  it('fails over from hangs, resets and garbage to a healthy fallback', async () => {
    for (const behaviour of ['hang', 'reset', 'garbage'] as const) {
      const [sick, healthy] = await upstreams(`sick${behaviour}`, 'healthy')
      sick.behaviour = behaviour
      const g = await gateway({
        plugins: [provider(sick, { timeoutMs: 300 }), provider(healthy)],
        routes: { r: { targets: [{ provider: sick.name, model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'healthy', model: 'gpt-4o-mini' }], retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 5 } } },
      })
      const results = await load(40, 10, () => chat(g, 'r'))
      expect(results.map((r) => r.status)).toEqual(new Array(40).fill(200))
      expect(results.every((r) => r.text.includes('served by healthy'))).toBe(true)
    }
  })

  it('fails a stream over before its first byte, but not after', async () => {
    const [early, late, healthy] = await upstreams('early', 'late', 'healthy')
    early.behaviour = 'streamDiesBeforeFirstEvent'
    late.behaviour = 'streamDiesMidway'
    const g = await gateway({
      plugins: [provider(early), provider(late), provider(healthy)],
      routes: {
        e: { targets: [{ provider: 'early', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'healthy', model: 'gpt-4o-mini' }], retry: { attempts: 1 } },
        l: { targets: [{ provider: 'late', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'healthy', model: 'gpt-4o-mini' }], retry: { attempts: 1 } },
      },
    })
    const client = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'x', maxRetries: 0 })
    let text = ''
    for await (const c of await client.chat.completions.create({ model: 'e', messages: [{ role: 'user', content: 'hi' }], stream: true })) text += c.choices[0]?.delta.content ?? ''
    expect(text).toBe('served by healthy')

    let partial = ''
    const failing = (async () => {
      for await (const c of await client.chat.completions.create({ model: 'l', messages: [{ role: 'user', content: 'hi' }], stream: true })) partial += c.choices[0]?.delta.content ?? ''
    })()
    await expect(failing).rejects.toThrow()
    expect(partial).toBe('late ')
    expect(healthy.calls.length).toBe(1)
  })

  it('never retries a 400, and bounds attempts when everything fails', async () => {
    const [u, v] = await upstreams('strict', 'down')
    u.behaviour = 'error400'
    v.behaviour = 'error500'
    const g = await gateway({
      plugins: [provider(u), provider(v)],
      routes: { all: { targets: [{ provider: 'down', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'down', model: 'other' }, { provider: 'down', model: 'third' }], retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } } },
      routing: { maxAttempts: 4, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    })
    const bad = await chat(g, 'strict/gpt-4o-mini')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.text).error.type).toBe('provider_bad_request')
    expect(u.calls.length).toBe(1)

    const results = await load(20, 5, () => chat(g, 'all'))
    expect(results.every((r) => r.status === 502)).toBe(true)
    expect(results.map((r) => r.headers['x-sluice-attempts'])).toEqual(new Array(20).fill('4'))
    expect(v.calls.length).toBe(20 * 4)
  })

  it('survives a provider killed and restarted during load, and routes back to it', async () => {
    const [flaky, steady] = await upstreams('flaky', 'steady')
    const g = await gateway({
      plugins: [provider(flaky), provider(steady)],
      routes: { r: { targets: [{ provider: 'flaky', model: 'gpt-4o-mini' }, { provider: 'steady', model: 'gpt-4o-mini' }], retry: { attempts: 1 } } },
      routing: { circuit: { failureThreshold: 2, cooldownMs: 200 } },
    })
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 100))
      await flaky.stop()
      await new Promise((r) => setTimeout(r, 500))
      await flaky.restart()
    })()
    const results = await load(3000, 50, () => chat(g, 'r'))
    await killer
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    const before = flaky.calls.length
    // Recovered: after the cool-down, the probe closes the circuit and traffic returns.
    await new Promise((r) => setTimeout(r, 300))
    await load(400, 20, () => chat(g, 'r'))
    expect(flaky.calls.length).toBeGreaterThan(before + 50)
  })

  it('sheds load with a 503 and retry-after past the concurrency cap instead of queueing', async () => {
    const [u] = await upstreams('narrow')
    u.behaviour = 'slow'
    u.slowMs = 300
    const g = await gateway({ plugins: [provider(u, { maxConcurrent: 2 })] })
    const results = await load(10, 10, () => chat(g, 'gpt-4o-mini'))
    const shed = results.filter((r) => r.status === 503)
    expect(results.filter((r) => r.status === 200).length).toBe(2)
    expect(shed.length).toBe(8)
    expect(shed[0].headers['retry-after']).toBe('1')
    expect(JSON.parse(shed[0].text).error.type).toBe('gateway_overloaded')
  })

  it('gives up at the total deadline, retries and fallbacks included', async () => {
    const [a, b] = await upstreams('stuck', 'stuck2')
    a.behaviour = 'hang'
    b.behaviour = 'hang'
    const g = await gateway({
      plugins: [provider(a, { timeoutMs: 5_000 }), provider(b, { timeoutMs: 5_000 })],
      routes: { r: { targets: [{ provider: 'stuck', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'stuck2', model: 'gpt-4o-mini' }], deadlineMs: 300 } },
    })
    const started = Date.now()
    const r = await chat(g, 'r')
    expect(r.status).toBe(504)
    expect(JSON.parse(r.text).error.message).toContain('deadline of 300 ms')
    // Bounded by the deadline, not by the 5 s attempt timeouts (a generous margin: no timing race).
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(b.calls.length).toBe(0)
  })

  it('moves to the next target when every key of a provider is resting', async () => {
    const [limited, spare] = await upstreams('limited2', 'spare')
    limited.behaviour = 'rate429'
    limited.retryAfterSeconds = 30
    const g = await gateway({
      plugins: [provider(limited), provider(spare)],
      routes: { r: { targets: [{ provider: 'limited2', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'spare', model: 'gpt-4o-mini' }] } },
    })
    const results = await load(50, 5, () => chat(g, 'r'))
    expect(results.every((r) => r.status === 200 && r.text.includes('served by spare'))).toBe(true)
    // Rested after its first 429s: not asked again for every request.
    expect(limited.calls.length).toBeLessThan(10)
  })

  it('accepts request-level fallbacks only when the config allows them', async () => {
    const [down, up] = await upstreams('down2', 'up2')
    down.behaviour = 'error500'
    const body = JSON.stringify({ model: 'down2/gpt-4o-mini', fallbacks: ['up2/gpt-4o-mini'], messages: [{ role: 'user', content: 'hi' }] })
    const send = (g: Gateway) => request(`${g.url}/v1/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body })
    const strict = await gateway({ plugins: [provider(down), provider(up)] })
    const refused = await send(strict)
    expect(refused.statusCode).toBe(400)
    expect(((await refused.body.json()) as { error: { param: string } }).error.param).toBe('fallbacks')
    const lenient = await gateway({ plugins: [provider(down), provider(up)], routing: { requestFallbacks: true, retry: { attempts: 1 } } })
    const served = await send(lenient)
    expect(served.statusCode).toBe(200)
    expect(await served.body.text()).toContain('served by up2')
    // The gateway's own field never goes upstream.
    expect(up.calls.length).toBe(1)
  })

  it('ends a stream that stalls after its first byte at the idle timeout, with an error event', async () => {
    const [stall] = await upstreams('stall')
    stall.behaviour = 'streamStalls'
    const g = await gateway({ plugins: [provider(stall)], routes: { r: { targets: ['stall/gpt-4o-mini'], streamIdleTimeoutMs: 300, timeoutMs: 2_000 } } })
    const r = await chat(g, 'r', true)
    expect(r.status).toBe(200)
    expect(r.text).toContain('stall ')
    expect(r.text).toContain('"type":"provider_timeout"')
  })

  it('shifts traffic away from a slow target before any circuit opens', async () => {
    const [fast, slow] = await upstreams('fast', 'sluggish')
    slow.behaviour = 'slow'
    slow.slowMs = 60
    const g = await gateway({
      plugins: [provider(fast), provider(slow)],
      routes: { r: { targets: [{ provider: 'fast', model: 'gpt-4o-mini' }, { provider: 'sluggish', model: 'gpt-4o-mini' }] } },
    })
    const results = await load(600, 10, () => chat(g, 'r'))
    expect(results.every((r) => r.status === 200)).toBe(true)
    // Equal weights, but the slow one's share falls well below half (its latency is ~60 ms against ~1 ms).
    expect(slow.calls.length / results.length).toBeLessThan(0.3)
  })

  it('says which provider, model and attempt served', async () => {
    const [bad, good] = await upstreams('first', 'second')
    bad.behaviour = 'error500'
    const g = await gateway({
      plugins: [provider(bad), provider(good)],
      routes: { r: { targets: [{ provider: 'first', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'second', model: 'gpt-4o-mini' }], retry: { attempts: 1 } } },
    })
    const r = await chat(g, 'r')
    expect(r.status).toBe(200)
    expect(r.headers['x-sluice-provider']).toBe('second')
    expect(r.headers['x-sluice-model']).toBe('gpt-4o-mini')
    expect(r.headers['x-sluice-attempts']).toBe('2')
    expect(served(r.text)).toBe('second')
  })
})
