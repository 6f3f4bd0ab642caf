// Hostile WASM plugins (wasm-examples/hostile: loop, grow, trap, abort, garbage, huge, badutf8,
// chosen by the prompt) through a real gateway: each failure is contained on its worker thread,
// answered per failOpen, counted and logged, while other traffic keeps being served.
import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway, wasmPlugin } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { testPlugin } from '@sluice/sdk/testing'
import { ROOT } from './helpers/cli.ts'
import { load } from './helpers/chaos-upstream.ts'

const wasm = (name: string) => path.join(ROOT, 'wasm-examples', name, 'build', `${name}.wasm`)
const user = (content: string) => [{ role: 'user' as const, content }]
type APIError = InstanceType<typeof OpenAI.APIError>

// The same module under a second name, so the fail-open instance has its own name in logs and metrics.
const dir = mkdtempSync(path.join(tmpdir(), 'sluice-hostile-'))
const openCopy = path.join(dir, 'hostile-open.wasm')
const queueCopy = path.join(dir, 'hostile-queue.wasm')
const observeCopy = path.join(dir, 'hostile-observe.wasm')
const limits = { hooks: ['preRequest'], timeoutMs: 250, maxMemoryMb: 16, maxOutputBytes: 64 * 1024, config: { hugeBytes: 256 * 1024 } }

let gateway: Gateway
const logs: Record<string, unknown>[] = []

beforeAll(async () => {
  copyFileSync(wasm('hostile'), openCopy)
  copyFileSync(wasm('hostile'), queueCopy)
  copyFileSync(wasm('hostile'), observeCopy)
  gateway = await createGateway(
    {
      plugins: [
        ['@sluice/prometheus', { defaultMetrics: false }],
        // A long time limit, so that a design blocking the event loop for a call's duration
        // (instead of only a worker) would show in the event-loop delay below.
        [wasm('hostile'), { ...limits, timeoutMs: 1000, models: ['closed'], failOpen: false }],
        [openCopy, { ...limits, models: ['open'], failOpen: true }],
        [queueCopy, { ...limits, models: ['queue'], maxQueue: 1, queueTimeoutMs: 5000 }],
        // Traps in `response` or `postLog` for the model trap-<hook>; fail-closed.
        [observeCopy, { ...limits, hooks: ['response', 'postLog'], models: ['trap-*'] }],
        // Normal traffic still runs a well-behaved WASM plugin. Its time limit is generous: on two
        // shared cores a looping plugin burns one core until it is killed, and this file's point is
        // isolation, not how fast a starved thread answers.
        [wasm('guardrail'), { models: ['plain'], config: { terms: ['forbidden'] }, timeoutMs: 2000 }],
        ['@sluice/mock-provider', { models: ['closed', 'open', 'queue', 'plain', 'trap-response', 'trap-postLog'] }],
      ],
    } as never,
    { logWrite: (line) => logs.push(JSON.parse(line)) },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
})

/** A sample of /metrics, by its full name and labels, e.g. `sluice_plugin_failures_total{plugin="…",…}`. */
const metric = async (series: string) => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return Number(line?.split(' ').at(-1) ?? 0)
}

const sdk = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0, timeout: 10_000 })
const ask = (model: string, prompt: string) => sdk().chat.completions.create({ model, messages: user(prompt) })

const HOSTILE: [mode: string, status: number, kind: string][] = [
  ['loop', 503, 'timeout'],
  ['grow', 500, 'trap'],
  ['trap', 500, 'trap'],
  ['abort', 500, 'trap'],
  ['garbage', 500, 'invalid output'],
  ['huge', 500, 'output too large'],
  ['hugefast', 500, 'output too large'],
  ['badutf8', 500, 'invalid output'],
  // Well-formed JSON that no provider could send: caught as the plugin's output, not the adapter's crash.
  ['modify-nomessages', 500, 'invalid output'],
  ['modify-badmessages', 500, 'invalid output'],
]

describe('hostile WASM plugins are contained', () => {
  it('answers each failure closed (no stack), serves again right after, while other traffic all succeeds and the event loop stays free', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    let hostileDone = false
    const background: number[] = []
    const normal = load(1_000_000, 4, async (i) => {
      if (hostileDone) return
      const r = await ask('plain', `normal request ${i}`).then((x) => (x.choices[0].message.content === `Echo: normal request ${i}` ? 200 : -1), (e: APIError) => e.status ?? -2)
      background.push(r)
    })

    for (const [mode, status, kind] of HOSTILE) {
      const e = (await ask('closed', mode).catch((x: unknown) => x)) as APIError
      expect(e, mode).toBeInstanceOf(OpenAI.APIError)
      expect(e.status, mode).toBe(status)
      expect(e.type, mode).toBe('gateway_plugin_error')
      expect(e.message, mode).toBe(`${status} Plugin "hostile.wasm" failed in preRequest (${kind})`)
      // The same plugin (same pool) serves the next call: a killed worker was replaced.
      expect((await ask('closed', 'ok')).choices[0].message.content, `after ${mode}`).toBe('Echo: ok')
    }
    hostileDone = true
    await normal
    delay.disable()

    expect(background.length).toBeGreaterThan(20)
    expect(background.filter((s) => s !== 200)).toEqual([])
    // A plugin looping on the event loop would stall it for good, a call waited for synchronously
    // for its whole second; here the longest stall stays well under that (CPU contention aside).
    expect(delay.max / 1e6).toBeLessThan(500)
  })

  it('fails open when configured: the request goes on, the failure is logged with its detail', async () => {
    for (const [mode] of HOSTILE) expect((await ask('open', mode)).choices[0].message.content, mode).toBe(`Echo: ${mode}`)
    const failures = logs.filter((l) => l.msg === 'wasm plugin failed' && l.plugin === 'hostile-open.wasm')
    expect(failures.map((l) => l.kind)).toEqual(['timeout', 'trap', 'trap', 'trap', 'invalid_output', 'output_too_large', 'output_too_large', 'invalid_output', 'invalid_output', 'invalid_output'])
    expect(failures.every((l) => l.failOpen === true && l.level === 'error' && typeof l.detail === 'string')).toBe(true)
    expect(failures[4].detail).toMatch(/not JSON/)
    expect(failures[5].detail).toMatch(/262144 bytes is over maxOutputBytes \(65536\)/)
    expect(failures[6].detail).toMatch(/262146 bytes is over maxOutputBytes \(65536\)/)
    expect(failures[8].detail).toMatch(/not a valid chat request \(`messages` is required/)
    expect(failures[9].detail).toMatch(/not a valid chat request \(messages\[0\]/)
    // The plugin's own log call (its abort handler) reaches the gateway log under its name.
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', plugin: 'hostile-open.wasm', hook: 'preRequest', msg: expect.stringContaining('abort: the plugin gave up') }))
  })

  it('answers in the route\'s wire format, streams included', async () => {
    const res = await fetch(`${gateway.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'x', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'closed', max_tokens: 20, messages: user('trap') }),
    })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'Plugin "hostile.wasm" failed in preRequest (trap)' } })

    const refused = (await sdk().chat.completions.create({ model: 'closed', stream: true, messages: user('loop') }).catch((x: unknown) => x)) as APIError
    expect(refused.status).toBe(503)
    const stream = await sdk().chat.completions.create({ model: 'open', stream: true, messages: user('loop') })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Echo: loop')
  })

  it('counts failures per plugin, hook and kind for Prometheus', async () => {
    const count = async (plugin: string, kind: string) => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text()
      const line = text.split('\n').find((l) => l.startsWith(`sluice_plugin_failures_total{plugin="${plugin}",hook="preRequest",kind="${kind}"}`))
      return Number(line?.split(' ').at(-1) ?? 0)
    }
    // postLog (where the counter is bumped) runs detached after the answer: poll briefly.
    await expect.poll(() => count('hostile.wasm', 'timeout')).toBe(2) // loop, and the streamed loop
    expect(await count('hostile.wasm', 'trap')).toBe(4) // grow, trap, abort, and the Anthropic trap
    expect(await count('hostile.wasm', 'invalid_output')).toBe(4)
    expect(await count('hostile.wasm', 'output_too_large')).toBe(2)
    await expect.poll(() => count('hostile-open.wasm', 'timeout')).toBe(2)
    expect(await count('guardrail.wasm', 'timeout')).toBe(0)
  })

  it('refuses calls past maxQueue as overloaded instead of queueing without bound', async () => {
    // maxQueue 1: the first call runs (and times out), the second waits for the replaced worker
    // (and times out in its turn), the third finds the queue full.
    const asks = ['loop', 'loop', 'loop'].map((p) => ask('queue', p).then(() => 'served', (e: APIError) => e.message))
    expect(await Promise.all(asks)).toEqual([
      '503 Plugin "hostile-queue.wasm" failed in preRequest (timeout)',
      '503 Plugin "hostile-queue.wasm" failed in preRequest (timeout)',
      '503 Plugin "hostile-queue.wasm" failed in preRequest (overloaded)',
    ])
    expect((await ask('queue', 'ok')).choices[0].message.content).toBe('Echo: ok')
  })
})

describe('a failing observer (postLog, the response hook of a streamed answer)', () => {
  it('counts a postLog failure for Prometheus, although postLog runs after the answer', async () => {
    expect((await ask('trap-postLog', 'hi')).choices[0].message.content).toBe('Echo: hi')
    await expect.poll(() => metric('sluice_plugin_failures_total{plugin="hostile-observe.wasm",hook="postLog",kind="trap"}')).toBe(1)
  })

  it('never fails a stream the client got whole: the request counts as served, the failure as a failure', async () => {
    const stream = await sdk().chat.completions.create({ model: 'trap-response', stream: true, messages: user('hi') })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Echo: hi')
    const series = (status: string, error: string) => `sluice_requests_total{route="/v1/chat/completions",operation="chat",provider="mock",model="trap-response",status="${status}",error_type="${error}"}`
    await expect.poll(() => metric(series('200', 'none'))).toBe(1)
    expect(await metric(series('500', 'gateway_plugin_error'))).toBe(0)
    expect(await metric('sluice_plugin_failures_total{plugin="hostile-observe.wasm",hook="response",kind="trap"}')).toBe(1)
    // A non-stream answer is not out yet: the same failure refuses it (fail-closed).
    const refused = (await ask('trap-response', 'hi').catch((x: unknown) => x)) as APIError
    expect(refused.message).toBe('500 Plugin "hostile-observe.wasm" failed in response (trap)')
  })
})

describe('long runs', () => {
  it('keeps serving past 5k calls on one instance (reset after each call) and across rebuilds', async () => {
    // `config` makes ~34 Extism memory blocks a call: without a reset between calls an instance
    // runs out of block addresses (65536) after ~1.9k calls and every later call fails.
    for (const recycleAfterCalls of [10_000, 1000]) {
      const t = await testPlugin(wasmPlugin(wasm('hostile')), { hooks: ['preRequest'], recycleAfterCalls, timeoutMs: 1000 })
      const statuses = await load(6000, 8, async () => (await t.request({ model: 'm', messages: user('config') })).status)
      await t.close()
      expect(statuses.filter((s) => s === 200)).toHaveLength(6000)
    }
  }, 60_000)
})
