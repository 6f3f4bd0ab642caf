#!/usr/bin/env node
// What a plugin hook adds per request (issue 7): the same gateway without plugins ("base"), with a
// TypeScript guard ("ts"), with the same guard as WASM ("wasm": wasm-examples/guardrail on a worker
// thread), and with a WASM rewrite ("wasm-modify": wasm-examples/system-prompt, which also ends
// byte pass-through), each in its own process, measured in one run with interleaved sequential
// requests of a ~2 KB chat body.
//
//   npm run build && npm run build:wasm && node bench/wasm-plugins.mjs [--sequential 2000]
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Agent, request } from 'undici'
import { startProcess, stopAll } from './lib/processes.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const { values } = parseArgs({ options: { sequential: { type: 'string', default: '2000' } } })
const sequential = Number(values.sequential)
const wasm = (name) => path.join(root, 'wasm-examples', name, 'build', `${name}.wasm`)

async function main() {
  const mock = await startProcess([path.join(here, 'servers/mock-upstream.mjs'), '0'], /ready (\d+)/, root)
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-wasm-bench-'))
  const provider = ['@sluice/provider-openai', { id: 'openai', baseURL: `http://127.0.0.1:${mock.port}/v1`, keys: [{ value: 'sk-bench-0000000000000000' }], models: ['gpt-4o-mini'] }]
  const terms = ['falcon', 'project zurich', 'codename']
  const gateway = async (name, plugins) => {
    const file = path.join(dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, log: { level: 'info' }, audit: { enabled: false }, plugins }))
    const started = await startProcess([path.join(root, 'core/dist/cli.js'), 'serve', '--config', file], /"url":"http:\/\/127\.0\.0\.1:(\d+)"/, root)
    return `http://127.0.0.1:${started.port}`
  }
  const targets = {
    base: await gateway('base', [provider]),
    ts: await gateway('ts', [[path.join(here, 'plugins/term-guard.mjs'), { terms }], provider]),
    wasm: await gateway('wasm', [[wasm('guardrail'), { config: { terms } }], provider]),
    'wasm-modify': await gateway('wasm-modify', [[wasm('system-prompt'), { config: { text: 'Answer briefly.' } }], provider]),
  }
  // ~2 KB: a system prompt and three turns.
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are the support assistant of a shipping company. Be precise. '.repeat(12) },
      { role: 'user', content: 'How long does shipping take to Lyon, and what does it cost for a 2 kg parcel? '.repeat(6) },
      { role: 'assistant', content: 'Standard shipping to Lyon takes two to three working days. '.repeat(4) },
      { role: 'user', content: 'And express? Please list the options with prices. '.repeat(4) },
    ],
  })
  const agents = Object.fromEntries(Object.keys(targets).map((k) => [k, new Agent({ connections: 1 })]))
  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]))
  const once = async (name) => {
    const t = process.hrtime.bigint()
    const res = await request(`${targets[name]}/v1/chat/completions`, { method: 'POST', dispatcher: agents[name], headers: { 'content-type': 'application/json' }, body })
    await res.body.arrayBuffer()
    if (res.statusCode !== 200) throw new Error(`${name} answered ${res.statusCode}`)
    return Number(process.hrtime.bigint() - t) / 1000
  }
  for (let i = 0; i < 300; i++) for (const name of Object.keys(targets)) await once(name)
  for (let i = 0; i < sequential; i++) for (const name of Object.keys(targets)) samples[name].push(await once(name))
  const q = (list, p) => list.sort((a, b) => a - b)[Math.floor(list.length * p)]
  const added = (name, p) => Math.round(q(samples[name], p) - q(samples.base, p))
  const row = (name) => `| ${name} | ${Math.round(q(samples[name], 0.5))} | ${Math.round(q(samples[name], 0.99))} | ${name === 'base' ? '-' : added(name, 0.5)} | ${name === 'base' ? '-' : added(name, 0.99)} |`
  process.stdout.write(
    [
      `${Buffer.byteLength(body)} byte request, ${sequential} sequential requests per target, interleaved`,
      '',
      '| target | p50 µs | p99 µs | added p50 µs | added p99 µs |',
      '|---|---|---|---|---|',
      ...Object.keys(targets).map(row),
      '',
      `a WASM hook adds p50 ${added('wasm', 0.5)} µs (target: under 150 µs), a TS hook ${added('ts', 0.5)} µs`,
    ].join('\n') + '\n',
  )
  stopAll()
  await Promise.all(Object.values(agents).map((a) => a.close()))
}

main().then(() => process.exit(0), (e) => (stopAll(), process.stderr.write(`${e.stack ?? e}\n`), process.exit(1)))
