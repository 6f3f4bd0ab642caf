#!/usr/bin/env node
// Sluice against its baselines, all measured in one run on this machine:
//   direct  - the mock upstream alone (the ceiling)
//   bare    - a bare h3 + undici pass-through proxy in front of it (the floor for Node)
//   sluice  - the gateway with only the OpenAI provider plugin, in front of the same mock
// Each server runs in its own process; the load comes from this one. Loopback only, bounded.
//
//   npm run build && node bench/run.mjs [--duration 10] [--connections 50] [--sequential 2000]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { Agent, request } from 'undici'
import { startProcess as start, stopAll } from './lib/processes.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    sequential: { type: 'string', default: '2000' },
    only: { type: 'string' },
  },
})
const duration = Number(values.duration)
const connections = Number(values.connections)
const sequential = Number(values.sequential)

const startProcess = (args, pattern) => start(args, pattern, root)

// A realistic ~1 KB chat body.
const system = 'You are a helpful assistant for an online shop. Answer briefly, cite the order id when there is one, and never invent prices. '
const messages = [
  { role: 'system', content: system + system },
  { role: 'user', content: 'Hello! I ordered a pair of running shoes last week (order 48213) and they have not arrived yet.' },
  { role: 'assistant', content: 'Sorry to hear that. Let me check order 48213 for you: it shipped on Monday and is with the carrier.' },
  { role: 'user', content: 'Thanks. Can you tell me when it should arrive, and whether I can change the delivery address to my office?' },
]
const bodies = {
  plain: JSON.stringify({ model: 'gpt-4o-mini', messages, temperature: 0.2 }),
  stream: JSON.stringify({ model: 'gpt-4o-mini', messages, temperature: 0.2, stream: true, stream_options: { include_usage: true } }),
}
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-client' }

async function throughput(url, body, seconds = duration) {
  const result = await autocannon({ url: `${url}/v1/chat/completions`, method: 'POST', headers, body, connections, duration: seconds, pipelining: 1 })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts }
}

/** N sequential requests per target, interleaved so that drift hits every target alike. */
async function sequentialLatency(targets, body) {
  const agents = Object.fromEntries(Object.keys(targets).map((name) => [name, new Agent({ connections: 1, keepAliveTimeout: 60_000 })]))
  const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, []]))
  const once = async (name) => {
    const start = process.hrtime.bigint()
    const res = await request(`${targets[name]}/v1/chat/completions`, { method: 'POST', headers, body, dispatcher: agents[name] })
    await res.body.arrayBuffer()
    if (res.statusCode !== 200) throw new Error(`${name} answered ${res.statusCode}`)
    return Number(process.hrtime.bigint() - start) / 1000
  }
  for (let i = 0; i < 200; i++) for (const name of Object.keys(targets)) await once(name) // warm-up
  for (let i = 0; i < sequential; i++) for (const name of Object.keys(targets)) samples[name].push(await once(name))
  await Promise.all(Object.values(agents).map((a) => a.close()))
  const stats = {}
  for (const [name, list] of Object.entries(samples)) {
    list.sort((a, b) => a - b)
    stats[name] = { p50: list[Math.floor(list.length * 0.5)], p99: list[Math.floor(list.length * 0.99)] }
  }
  return stats
}

async function main() {
  const mock = await startProcess([path.join(here, 'servers/mock-upstream.mjs'), '0'], /ready (\d+)/)
  const upstream = `http://127.0.0.1:${mock.port}`
  const bare = await startProcess([path.join(here, 'servers/bare-proxy.mjs'), '0', upstream], /ready (\d+)/)
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-'))
  const config = path.join(dir, 'sluice.config.json')
  writeFileSync(
    config,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      log: { level: 'info' },
      plugins: [['@sluice/provider-openai', { id: 'openai', baseURL: `${upstream}/v1`, keys: [{ value: 'sk-bench-000000000000000000' }], models: ['gpt-4o-mini'] }]],
    }),
  )
  const sluice = await startProcess([path.join(root, 'core/dist/cli.js'), 'serve', '--config', config], /"url":"http:\/\/127\.0\.0\.1:(\d+)"/)
  const targets = { direct: upstream, bare: `http://127.0.0.1:${bare.port}`, sluice: `http://127.0.0.1:${sluice.port}` }

  const results = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length }, settings: { duration, connections, sequential }, throughput: {}, latency: {} }
  for (const kind of ['plain', 'stream']) {
    if (values.only && values.only !== kind) continue
    results.throughput[kind] = {}
    for (const [name, url] of Object.entries(targets)) {
      await throughput(url, bodies[kind], 2) // warm-up (JIT, pools), discarded
      results.throughput[kind][name] = await throughput(url, bodies[kind])
      process.stderr.write(`${kind} ${name}: ${Math.round(results.throughput[kind][name].rps)} req/s\n`)
    }
    results.latency[kind] = await sequentialLatency(targets, bodies[kind])
  }
  stopAll()

  const lines = ['| request | target | req/s @' + connections + ' | p50 ms | p99 ms | non-2xx | seq p50 µs | seq p99 µs | added p50 µs | added p99 µs |', '|---|---|---|---|---|---|---|---|---|---|']
  const ratios = []
  for (const kind of Object.keys(results.throughput)) {
    const t = results.throughput[kind]
    const l = results.latency[kind]
    for (const name of Object.keys(targets)) {
      const added = name === 'direct' ? '' : `${Math.round(l[name].p50 - l.direct.p50)} | ${Math.round(l[name].p99 - l.direct.p99)}`
      lines.push(`| ${kind} | ${name} | ${Math.round(t[name].rps)} | ${t[name].p50} | ${t[name].p99} | ${t[name].non2xx + t[name].errors} | ${Math.round(l[name].p50)} | ${Math.round(l[name].p99)} | ${added || '- | -'} |`)
    }
    const addedBare = l.bare.p50 - l.direct.p50
    const addedSluice = l.sluice.p50 - l.direct.p50
    ratios.push(`${kind}: throughput sluice/bare = ${(t.sluice.rps / t.bare.rps).toFixed(2)} (target >= 0.80); added latency p50 sluice/bare = ${(addedSluice / addedBare).toFixed(2)} (target <= 1.20)`)
  }
  results.ratios = ratios
  mkdirSync(path.join(here, 'results'), { recursive: true })
  writeFileSync(path.join(here, 'results/latest.json'), JSON.stringify(results, null, 2))
  process.stdout.write(`${lines.join('\n')}\n\n${ratios.join('\n')}\n`)
}

main().then(
  () => process.exit(0),
  (error) => {
    stopAll()
    process.stderr.write(`${error.stack ?? error}\n`)
    process.exit(1)
  },
)
