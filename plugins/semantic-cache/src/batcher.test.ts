import { describe, expect, it } from 'vitest'
import { Batcher } from './batcher.js'
import { SingleFlight, within } from './single-flight.js'

describe('Batcher', () => {
  it('embeds concurrent texts in one call, and texts arriving during a call in the next', async () => {
    const calls: string[][] = []
    let finish!: () => void
    const batcher = new Batcher({
      concurrency: 1,
      windowMs: 2,
      maxBatch: 100,
      run: async (texts) => {
        calls.push(texts)
        if (calls.length === 1) await new Promise<void>((r) => (finish = r))
        return texts.map((t) => new Float32Array([t.length]))
      },
    })
    const first = ['a', 'bb', 'ccc'].map((t) => batcher.embed(t))
    await new Promise((r) => setTimeout(r, 10))
    expect(calls).toEqual([['a', 'bb', 'ccc']])
    const second = ['dddd', 'eeeee'].map((t) => batcher.embed(t))
    await new Promise((r) => setTimeout(r, 10))
    expect(calls.length).toBe(1) // the only worker is busy: they wait together
    finish()
    const vectors = await Promise.all([...first, ...second])
    expect(vectors.map((v) => v?.[0])).toEqual([1, 2, 3, 4, 5])
    expect(calls).toEqual([['a', 'bb', 'ccc'], ['dddd', 'eeeee']])
    expect(batcher.stats).toEqual({ batches: 2, texts: 5 })
  })

  it('caps a batch at maxBatch and rejects every text of a failed call', async () => {
    const sizes: number[] = []
    const batcher = new Batcher({ concurrency: 2, windowMs: 1, maxBatch: 4, run: async (texts) => (sizes.push(texts.length), texts.map(() => new Float32Array(1))) })
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.embed(String(i))))
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4)
    expect(sizes.reduce((a, b) => a + b)).toBe(10)
    const failing = new Batcher({ concurrency: 1, windowMs: 0, maxBatch: 4, run: async () => Promise.reject(new Error('model gone')) })
    await expect(Promise.all([failing.embed('a'), failing.embed('b')])).rejects.toThrow('model gone')
  })
})

describe('SingleFlight', () => {
  it('gives waiting requests the leader result once, and forgets the key after', async () => {
    const flights = new SingleFlight<string>()
    expect(flights.pending('k')).toBeUndefined()
    const release = flights.lead('k')
    const waiting = flights.pending('k')!
    release('answer')
    release('again')
    expect(await waiting).toBe('answer')
    expect(flights.pending('k')).toBeUndefined()
  })

  it('stops waiting after the timeout or an abort', async () => {
    const never = new Promise<string | undefined>(() => {})
    expect(await within(never, 5, new AbortController().signal)).toBeUndefined()
    const controller = new AbortController()
    const waiting = within(never, 10_000, controller.signal)
    controller.abort()
    expect(await waiting).toBeUndefined()
    expect(await within(Promise.resolve('x'), 1000, new AbortController().signal)).toBe('x')
  })
})
