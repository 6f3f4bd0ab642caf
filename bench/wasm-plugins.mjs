#!/usr/bin/env node
// What a plugin hook adds per request (issue 7), two ways, each in one run with interleaved
// sequential requests of a ~2 KB chat body:
// 1. The hook alone: the SDK test kit (core's lifecycle engine, no HTTP) with a no-op plugin
//    ("none"), a TypeScript guard ("ts") and the same guard as WASM ("wasm":
//    wasm-examples/guardrail on a worker thread).
// 2. End to end: gateways without plugins ("base"), with the TS guard, with the WASM guard, and
//    with a WASM rewrite ("wasm-modify": wasm-examples/system-prompt, which also ends byte
//    pass-through), each in its own process, in front of a mock upstream process.
//
//   npm run build && npm run build:wasm && node bench/wasm-plugins.mjs [--sequential 2000] [--calls 5000]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { wasmPlugin } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import { testPlugin } from '@sluice/sdk/testing'
import { interleaved, quantile } from './lib/interleave.mjs'
import { startGateway, startProcess, stopAll } from './lib/processes.mjs'
import termGuard from './plugins/term-guard.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const { values } = parseArgs({ options: { sequential: { type: 'string', default: '2000' }, calls: { type: 'string', default: '5000' } } })
const sequential = Number(values.sequential)
const calls = Number(values.calls)
const wasm = (name) => path.join(root, 'wasm-examples', name, 'build', `${name}.wasm`)
const terms = ['falcon', 'project zurich', 'codename']
// ~2 KB: a system prompt and three turns.
const chat = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are the support assistant of a shipping company. Be precise. '.repeat(12) },
    { role: 'user', content: 'How long does shipping take to Lyon, and what does it cost for a 2 kg parcel? '.repeat(6) },
    { role: 'assistant', content: 'Standard shipping to Lyon takes two to three working days. '.repeat(4) },
    { role: 'user', content: 'And express? Please list the options with prices. '.repeat(4) },
  ],
}
const body = JSON.stringify(chat)
const q = quantile
const us = (start) => Number(process.hrtime.bigint() - start) / 1000

/** The hook alone, through the lifecycle engine: a request each per round, 1000 rounds of warm-up. */
async function hooks() {
  const noop = definePlugin({ name: 'noop', setup: () => ({ preRequest() {} }) })
  const kits = { none: await testPlugin(noop), ts: await testPlugin(termGuard, { terms }), wasm: await testPlugin(wasmPlugin(wasm('guardrail')), { config: { terms } }) }
  const samples = Object.fromEntries(Object.keys(kits).map((k) => [k, []]))
  for (let i = 0; i < calls + 1000; i++)
    for (const [name, kit] of Object.entries(kits)) {
      const input = structuredClone(chat)
      const t = process.hrtime.bigint()
      const r = await kit.request(input)
      const took = us(t)
      if (r.status !== 200) throw new Error(`${name} answered ${r.status}`)
      if (i >= 1000) samples[name].push(took)
    }
  await Promise.all(Object.values(kits).map((k) => k.close?.()))
  const added = (name, p) => Math.round(q(samples[name], p) - q(samples.none, p))
  return [
    `The hook alone: ${calls} requests per plugin through the SDK test kit, interleaved`,
    '',
    '| plugin | p50 µs | p99 µs | added p50 µs | added p99 µs |',
    '|---|---|---|---|---|',
    ...Object.keys(kits).map((k) => `| ${k} | ${Math.round(q(samples[k], 0.5))} | ${Math.round(q(samples[k], 0.99))} | ${k === 'none' ? '-' : added(k, 0.5)} | ${k === 'none' ? '-' : added(k, 0.99)} |`),
    '',
    `a WASM hook adds p50 ${added('wasm', 0.5)} µs (target: under 150 µs), a TS hook ${added('ts', 0.5)} µs`,
    '',
  ]
}

async function main() {
  process.stdout.write((await hooks()).join('\n') + '\n')
  const mock = await startProcess([path.join(here, 'servers/mock-upstream.mjs'), '0'], /ready (\d+)/, root)
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-wasm-bench-'))
  const provider = ['@sluice/provider-openai', { id: 'openai', baseURL: `http://127.0.0.1:${mock.port}/v1`, keys: [{ value: 'sk-bench-0000000000000000' }], models: ['gpt-4o-mini'] }]
  const gateway = (name, plugins) => startGateway(dir, name, { plugins })
  const targets = {
    base: await gateway('base', [provider]),
    ts: await gateway('ts', [[path.join(here, 'plugins/term-guard.mjs'), { terms }], provider]),
    wasm: await gateway('wasm', [[wasm('guardrail'), { config: { terms } }], provider]),
    'wasm-modify': await gateway('wasm-modify', [[wasm('system-prompt'), { config: { text: 'Answer briefly.' } }], provider]),
  }
  const samples = await interleaved(targets, body, { rounds: sequential })
  const added = (name, p) => Math.round(q(samples[name], p) - q(samples.base, p))
  const row = (name) => `| ${name} | ${Math.round(q(samples[name], 0.5))} | ${Math.round(q(samples[name], 0.99))} | ${name === 'base' ? '-' : added(name, 0.5)} | ${name === 'base' ? '-' : added(name, 0.99)} |`
  process.stdout.write(
    [
      `End to end: ${Buffer.byteLength(body)} byte request, ${sequential} sequential requests per target, interleaved`,
      '',
      '| target | p50 µs | p99 µs | added p50 µs | added p99 µs |',
      '|---|---|---|---|---|',
      ...Object.keys(targets).map(row),
      '',
      `a WASM hook adds p50 ${added('wasm', 0.5)} µs (target: under 150 µs), a TS hook ${added('ts', 0.5)} µs`,
    ].join('\n') + '\n',
  )
  stopAll()
}

main().then(() => process.exit(0), (e) => (stopAll(), process.stderr.write(`${e.stack ?? e}\n`), process.exit(1)))
