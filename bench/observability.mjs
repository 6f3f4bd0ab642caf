#!/usr/bin/env node
// What logging, metrics and tracing cost on the hot path (issue 9): the same gateway config bare,
// with @sluice/request-log + @sluice/prometheus ("observed"), and with @sluice/otel too
// ("traced", exporting to a local OTLP sink), measured in one run with interleaved sequential
// requests.
//
//   npm run build && node bench/observability.mjs [--sequential 2000]
import { createServer } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { interleaved, quantile } from './lib/interleave.mjs'
import { startGateway, startProcess, stopAll } from './lib/processes.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const { values } = parseArgs({ options: { sequential: { type: 'string', default: '2000' } } })
const sequential = Number(values.sequential)

async function main() {
  const sink = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.end('{}'))
  })
  await new Promise((r) => sink.listen(0, '127.0.0.1', r))
  const mock = await startProcess([path.join(here, 'servers/mock-upstream.mjs'), '0'], /ready (\d+)/, root)
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-obs-'))
  const provider = ['@sluice/provider-openai', { id: 'openai', baseURL: `http://127.0.0.1:${mock.port}/v1`, keys: [{ value: 'sk-bench-0000000000000000' }], models: ['gpt-4o-mini'] }]
  const gateway = (name, plugins) => startGateway(dir, name, { plugins })
  const targets = {
    direct: `http://127.0.0.1:${mock.port}`,
    base: await gateway('base', [provider]),
    observed: await gateway('observed', [['@sluice/request-log', { store: path.join(dir, 'observed.db') }], ['@sluice/prometheus', {}], provider]),
    traced: await gateway('traced', [['@sluice/request-log', { store: path.join(dir, 'traced.db') }], ['@sluice/prometheus', {}], ['@sluice/otel', { endpoint: `http://127.0.0.1:${sink.address().port}/v1/traces` }], provider]),
  }
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How long does shipping take to Lyon? '.repeat(20) }] })
  const samples = await interleaved(targets, body, { rounds: sequential })
  const q = quantile
  const row = (name) => `| ${name} | ${Math.round(q(samples[name], 0.5))} | ${Math.round(q(samples[name], 0.99))} |`
  const added = (name, p) => Math.round(q(samples[name], p) - q(samples.base, p))
  process.stdout.write(
    [
      '| target | p50 µs | p99 µs |',
      '|---|---|---|',
      row('direct'),
      row('base'),
      row('observed'),
      row('traced'),
      '',
      `request log + metrics add p50 ${added('observed', 0.5)} µs, p99 ${added('observed', 0.99)} µs (target: under 30 µs)`,
      `request log + metrics + tracing add p50 ${added('traced', 0.5)} µs, p99 ${added('traced', 0.99)} µs`,
    ].join('\n') + '\n',
  )
  stopAll()
  sink.close()
}

main().then(() => process.exit(0), (e) => (stopAll(), process.stderr.write(`${e.stack ?? e}\n`), process.exit(1)))
