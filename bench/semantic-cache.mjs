#!/usr/bin/env node
// The semantic cache (issue 8): what a hit costs and what a miss adds, in gateway time (arrival to
// last byte, from each request's record), against a baseline measured in the same run; and the
// embedding throughput of the worker pool. Uses the generated fixture model (CI and this machine
// cannot download one).
//
//   npm run build && node bench/semantic-cache.mjs [--requests 1000] [--texts 2000] [--window <batchWindowMs>]
//
// Two gateways in this process, both in front of the same mock upstream (a child process):
// `plain` (provider-openai only) and `cached` (the cache, then provider-openai). Requests are
// sequential on one keep-alive connection each and interleaved, so drift hits every series alike.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'
import { createGateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import semanticCache, { MemoryIndex, createLocalEmbedder, localEmbedderSchema, modelSource } from '@sluice/semantic-cache'
import { makeFixtureModel } from '../plugins/semantic-cache/fixture/make-model.mjs'
import { startProcess, stopAll } from './lib/processes.mjs'

const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' }, texts: { type: 'string', default: '2000' }, window: { type: 'string' } } })
const N = Number(values.requests)
const here = path.dirname(fileURLToPath(import.meta.url))
const model = makeFixtureModel()

const mock = await startProcess([path.join(here, 'servers/mock-upstream.mjs'), '0'], /ready (\d+)/, here)
const upstream = `http://127.0.0.1:${mock.port}/v1`

// Gateway time per request id, from the record postLog receives.
const times = new Map()
const recorder = definePlugin({ name: 'bench-recorder', setup: () => ({ postLog: (_ctx, record) => void times.set(record.id, { ms: record.timings.totalMs, cache: _ctx.meta.cache?.result }) }) })
const provider = ['@sluice/provider-openai', { baseURL: upstream, keys: [{ value: 'sk-bench' }], models: ['gpt-4o-mini'] }]
async function gateway(plugins) {
  const g = await createGateway({ dataDir: mkdtempSync(path.join(tmpdir(), 'sluice-cache-bench-')), log: { level: 'silent' }, plugins: [recorder, ...plugins, provider] }, { logWrite: () => {} })
  await g.listen({ port: 0, host: '127.0.0.1' })
  return g
}
const plain = await gateway([])
// --window: the embedder's batchWindowMs (default: the plugin's default).
const embedderOptions = { model, ...(values.window === undefined ? {} : { batchWindowMs: Number(values.window) }) }
const cached = await gateway([[semanticCache, { embedder: embedderOptions }]])

// Questions made of four random vocabulary words: distinct enough to be semantic misses.
const WORDS = 'france paris germany berlin italy rome weather rain pasta bread poem story python code bug sort ocean mountain river planet dog cat car train money bank doctor sleep coffee music movie book football school job heart brain virus apple password invoice meeting'.split(' ')
let seed = 42
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const question = (i) => `Question ${i}: tell me about ${Array.from({ length: 4 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' and ')}?`
const body = (content, stream = false) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) })

let counter = 0
async function send(pool, payload) {
  const id = `bench-${counter++}`
  const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: payload })
  await res.body.text()
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`)
  for (let i = 0; i < 200 && !times.has(id); i++) await new Promise((r) => setImmediate(r))
  return times.get(id)
}

const pools = { plain: new Pool(plain.url, { connections: 1 }), cached: new Pool(cached.url, { connections: 1 }) }
const series = { baseline: [], miss: [], 'hit-exact': [], 'hit-semantic': [], 'hit-exact stream': [] }
const outcomes = { miss: {}, 'hit-exact': {}, 'hit-semantic': {}, 'hit-exact stream': {} }
const note = (name, t) => {
  outcomes[name][t.cache ?? 'none'] = (outcomes[name][t.cache ?? 'none'] ?? 0) + 1
  // Only requests that were what the series says count in its timings.
  if (name === 'baseline' || t.cache === name.replace(' stream', '')) series[name].push(t.ms)
}

const STORED = 'What is the capital of France?'
const PARAPHRASE = "what's France's capital city?"
// Warm-up: JIT, connections, the worker's ONNX session, the stored entry.
for (let i = 0; i < 200; i++) {
  await send(pools.plain, body(`warm up ${i}`))
  await send(pools.cached, body(`warm up ${i % 20}`))
}
await send(pools.cached, body(STORED))
for (let i = 0; i < N; i++) {
  const q = question(i)
  series.baseline.push((await send(pools.plain, body(q))).ms)
  note('miss', await send(pools.cached, body(q)))
  note('hit-exact', await send(pools.cached, body(STORED)))
  note('hit-semantic', await send(pools.cached, body(PARAPHRASE)))
  note('hit-exact stream', await send(pools.cached, body(STORED, true)))
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const base50 = pct(series.baseline, 50)
const out = [`${N} requests per series, sequential, interleaved; gateway time = arrival to last byte (RequestRecord.timings.totalMs)`, '']
out.push('| series | n | p50 ms | p99 ms | p50 vs baseline |', '|---|---|---|---|---|')
for (const [name, xs] of Object.entries(series)) {
  const ratio = name === 'baseline' ? '—' : name === 'miss' ? `+${(pct(xs, 50) - base50).toFixed(3)} ms` : `${(pct(xs, 50) / base50).toFixed(2)}×`
  out.push(`| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(3)} | ${pct(xs, 99).toFixed(3)} | ${ratio} |`)
}
out.push('', `outcomes: ${JSON.stringify(outcomes)}`)

await Promise.all([pools.plain.close(), pools.cached.close()])
await plain.close()
await cached.close()
stopAll()

// The worker pool alone: texts/s when many arrive at once (batched), and one at a time.
const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-embed-bench-'))
const texts = Array.from({ length: Number(values.texts) }, (_, i) => question(i + N))
out.push('', '| embedder | texts | batches | texts/s | one text alone p50 ms |', '|---|---|---|---|---|')
for (const threads of [1, 2]) {
  const options = localEmbedderSchema.parse({ ...embedderOptions, threads })
  const embedder = createLocalEmbedder(options, modelSource(options, here, dataDir))
  await embedder.warmUp()
  await Promise.all(texts.slice(0, 200).map((t) => embedder.embed(t)))
  const before = { ...embedder.stats }
  const t0 = performance.now()
  await Promise.all(texts.map((t) => embedder.embed(t)))
  const seconds = (performance.now() - t0) / 1000
  const alone = []
  for (let i = 0; i < 200; i++) {
    const t = performance.now()
    await embedder.embed(texts[i])
    alone.push(performance.now() - t)
  }
  out.push(`| fixture model, ${threads} thread${threads > 1 ? 's' : ''}, batches ≤ ${options.maxBatch} | ${texts.length} | ${embedder.stats.batches - before.batches - 200} | ${Math.round(texts.length / seconds)} | ${pct(alone, 50).toFixed(3)} |`)
  await embedder.close()
}
// The brute-force semantic scan: one partition of n vectors of MiniLM's size (384), against a
// bare loop over the same number of floats.
out.push('', '| semantic scan, one partition, 384 dims | entries | p50 ms | bare loop p50 ms |', '|---|---|---|---|')
for (const n of [1000, 10_000]) {
  const dim = 384
  const unit = () => {
    const v = Float32Array.from({ length: dim }, () => rand() - 0.5)
    const norm = Math.hypot(...v)
    return v.map((x) => x / norm)
  }
  const index = new MemoryIndex({ maxEntries: n, maxBytes: 2 ** 40 })
  for (let i = 0; i < n; i++) index.set({ key: `k${i}`, namespace: 'a', partition: 'p', vector: unit(), response: {}, createdAt: 0, expiresAt: Date.now() + 3_600_000, bytes: 100 })
  const floats = new Float32Array(n * dim).map(() => rand())
  const q = unit()
  const bare = () => {
    let best = -Infinity
    for (let i = 0, o = 0; i < n; i++, o += dim) {
      let s = 0
      for (let d = 0; d < dim; d++) s += q[d] * floats[o + d]
      if (s > best) best = s
    }
    return best
  }
  const time = (fn) => {
    for (let i = 0; i < 10; i++) fn()
    const xs = []
    for (let i = 0; i < 50; i++) {
      const t = performance.now()
      fn()
      xs.push(performance.now() - t)
    }
    return pct(xs, 50)
  }
  out.push(`| | ${n} | ${time(() => index.nearest('p', q)).toFixed(3)} | ${time(bare).toFixed(3)} |`)
}
process.stdout.write(`${out.join('\n')}\n`)
