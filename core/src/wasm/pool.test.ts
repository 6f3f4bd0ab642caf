import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WasmPool } from './pool.ts'
import { wasmApi } from './wasm-api.ts'

// The hostile example (built by `npm run build:wasm`): its last prompt text chooses what it does.
const file = fileURLToPath(new URL('../../../wasm-examples/hostile/build/hostile.wasm', import.meta.url))
const input = (text: string) => JSON.stringify({ hook: 'preRequest', context: {}, texts: [text], request: { model: 'm', messages: [{ role: 'user', content: text }] } })

let pool: WasmPool
beforeAll(async () => {
  const module = await wasmApi.compile(readFileSync(file))
  pool = new WasmPool({ module, config: {}, wasi: false, maxOutputBytes: 65536, recycleAfterCalls: 1000, threads: 1, maxQueue: 4, timeoutMs: 10_000, queueTimeoutMs: 10_000 })
  await pool.start()
})
afterAll(async () => {
  await pool?.close()
})

describe('WasmPool', () => {
  it('answers a thread that dies during a call as crashed, then serves from a fresh thread', async () => {
    expect(await pool.call('preRequest', input('hello'))).toMatchObject({ ok: true, decision: { action: 'continue' } })
    const [thread] = pool.threads
    const looping = pool.call('preRequest', input('loop'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    await thread.terminate()
    // Well before the 10 s time limit.
    expect(await looping).toMatchObject({ ok: false, kind: 'crashed' })
    const next = await pool.call('preRequest', input('hello'))
    expect(next).toMatchObject({ ok: true })
    expect(pool.threads[0]).not.toBe(thread)
  })

  it('answers calls that wait in the queue in order once the thread is free', async () => {
    const results = await Promise.all(['hello', 'trap', 'hello', 'garbage'].map((t) => pool.call('preRequest', input(t))))
    expect(results.map((r) => (r.ok ? 'ok' : r.kind))).toEqual(['ok', 'trap', 'ok', 'invalid_output'])
  })
})
