// SemanticCache's hooks driven directly, with an embedder whose answers the test releases: the
// order of concurrent requests is then decided by the test, not by timing.
import { describe, expect, it } from 'vitest'
import type { ChatRequest, ChatResponse, GatewayContext, Identity } from '@sluice/sdk'
import { SemanticCache } from './cache.js'
import type { Embedder } from './local-embedder.js'
import { optionsSchema } from './options.js'

interface FakeContext {
  ctx: GatewayContext
  answered: () => unknown
  headers: Record<string, string>
}

function fakeContext(body: ChatRequest, headers: Record<string, string> = {}, identity?: Identity): FakeContext {
  let answer: unknown
  const responseHeaders: Record<string, string> = {}
  const ctx = {
    id: `req-${Math.random().toString(36).slice(2)}`,
    identity,
    signal: new AbortController().signal,
    meta: {},
    request: { operation: 'chat', model: body.model, path: '/v1/chat/completions', headers, body, stream: false, requireUsage() {} },
    setResponseHeader: (name: string, value: string) => void (responseHeaders[name] = value),
    respond: (response: unknown) => void (answer = response),
  } as unknown as GatewayContext
  return { ctx, answered: () => answer, headers: responseHeaders }
}

/** Vectors by text; a text's vector is handed out when the test says so. */
function heldEmbedder(): Embedder & { give(text: string, vector: number[]): void } {
  const held = new Map<string, { promise: Promise<Float32Array>; resolve: (v: Float32Array) => void }>()
  const slot = (text: string) => {
    let entry = held.get(text)
    if (!entry) {
      let resolve!: (v: Float32Array) => void
      entry = { promise: new Promise((r) => (resolve = r)), resolve }
      held.set(text, entry)
    }
    return entry
  }
  return {
    embed: (text) => slot(text).promise,
    give: (text, vector) => slot(text).resolve(Float32Array.from(vector)),
    stats: { batches: 0, texts: 0 },
    close: async () => {},
  }
}

const ask = (content: string): ChatRequest => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
const answer = (text: string): ChatResponse => ({
  id: 'up',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
})
const quiet = { debug() {}, info() {}, warn() {}, error() {} }

describe('SemanticCache single flight', () => {
  it('does not hand a waiting request a semantic hit below its own threshold', async () => {
    const embedder = heldEmbedder()
    const cache = new SemanticCache(optionsSchema.parse({ sqlite: false, threshold: 0.9 }), { log: quiet, embedder, embedModel: 'm' })
    // An answer about A is cached.
    embedder.give('about A', [1, 0])
    const seed = fakeContext(ask('about A'))
    await cache.lookup(seed.ctx)
    cache.store(seed.ctx, answer('A'))

    // B (cosine 0.6 to A) is asked twice at once: first with a lax threshold, then with the default.
    const lax = fakeContext(ask('about B'), { 'x-sluice-cache-threshold': '0.5' })
    const leading = cache.lookup(lax.ctx)
    const strict = fakeContext(ask('about B'))
    const waiting = cache.lookup(strict.ctx)
    embedder.give('about B', [0.6, 0.8])
    await Promise.all([leading, waiting])

    expect(lax.headers['x-sluice-cache']).toBe('hit-semantic')
    expect(lax.headers['x-sluice-cache-score']).toBe('0.6000')
    // 0.6 is below 0.9: this one goes upstream.
    expect(strict.headers['x-sluice-cache']).toBe('miss')
    expect(strict.answered()).toBeUndefined()
  })
})
