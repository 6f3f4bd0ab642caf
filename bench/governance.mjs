#!/usr/bin/env node
// What governance costs on the hot path (issue 5): the same gateway bare, with @sluice/governance on
// its embedded store, and on Redis; a virtual key on a team, each with a budget and a rate limit,
// so every request is authenticated, checked at two levels, reserved and settled. Interleaved
// sequential requests in one run; ratios against the bare gateway. Then the hooks alone, in
// process (admission on the hot path, settlement after the answer), which end-to-end noise on a
// busy 2-core machine can hide.
//
//   npm run build && node bench/governance.mjs [--sequential 2000]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { interleaved, quantile } from './lib/interleave.mjs'
import { startGateway, startProcess, stopAll } from './lib/processes.mjs'
import { startRedis } from '../test/services.mjs'
import governancePlugin from '@sluice/governance'
import { RequestContext } from '@sluice/sdk/runtime'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const { values } = parseArgs({ options: { sequential: { type: 'string', default: '2000' } } })
const sequential = Number(values.sequential)
const KEY = 'sk-sluice-bench-0123456789abcdefghijkl'

async function main() {
  const redis = await startRedis()
  const mock = await startProcess([path.join(here, 'servers/mock-upstream.mjs'), '0'], /ready (\d+)/, root)
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-gov-bench-'))
  const provider = ['@sluice/provider-openai', { id: 'openai', baseURL: `http://127.0.0.1:${mock.port}/v1`, keys: [{ value: 'sk-bench-0000000000000000' }], models: ['gpt-4o-mini'] }]
  const governance = (store) => [
    '@sluice/governance',
    {
      store,
      teams: [{ id: 'bench', budgets: [{ limitUsd: 1e6, period: 'month' }], rateLimits: [{ window: 'minute', requests: 1e9 }] }],
      keys: [{ id: 'bench', name: 'bench', key: KEY, team: 'bench', models: ['gpt-4o*'], budgets: [{ limitUsd: 1e6, period: 'day' }], rateLimits: [{ window: 'minute', requests: 1e9, tokens: 1e12 }] }],
    },
  ]
  const gateway = (name, plugins) => startGateway(dir, name, { dataDir: path.join(dir, name), plugins })
  const targets = {
    base: await gateway('base', [provider]),
    embedded: await gateway('embedded', [governance('gov.db'), provider]),
    ...(redis ? { redis: await gateway('redis', [governance(redis.url), provider]) } : {}),
  }
  const body = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 200, messages: [{ role: 'user', content: 'How long does shipping take to Lyon? '.repeat(20) }] })
  const samples = await interleaved(targets, body, { rounds: sequential, headers: { authorization: `Bearer ${KEY}` } })
  const q = quantile
  const row = (name) => `| ${name} | ${Math.round(q(samples[name], 0.5))} | ${Math.round(q(samples[name], 0.99))} | ${(q(samples[name], 0.5) / q(samples.base, 0.5)).toFixed(2)} |`
  const added = (name, p) => Math.round(q(samples[name], p) - q(samples.base, p))
  process.stdout.write(
    [
      `${sequential} sequential requests per target, interleaved, 2 KB prompt`,
      '',
      '| target | p50 µs | p99 µs | p50 / base |',
      '|---|---|---|---|',
      ...Object.keys(targets).map(row),
      '',
      `embedded governance adds p50 ${added('embedded', 0.5)} µs, p99 ${added('embedded', 0.99)} µs (target: under 50 µs)`,
      ...(redis ? [`redis governance adds p50 ${added('redis', 0.5)} µs, p99 ${added('redis', 0.99)} µs (one round trip to a local Redis)`] : ['redis: not measured (no redis-server)']),
    ].join('\n') + '\n',
  )
  process.stdout.write(`\nIn process, ${HOOK_RUNS} requests (admission is on the hot path; settlement runs after the answer):\n\n| store | admission p50 µs | admission p99 µs | settlement p50 µs |\n|---|---|---|---|\n`)
  for (const [name, store] of [['embedded', path.join(dir, 'hooks.db')], ...(redis ? [['redis', redis.url]] : [])]) process.stdout.write(`${await hookTimes(name, store, governance)}\n`)
  stopAll()
  redis?.stop()
}

const HOOK_RUNS = 20_000

/** The plugin's own hooks, timed around a request context like the one core builds. */
async function hookTimes(name, store, governance) {
  const [, options] = governance(store)
  const setup = { configDir: root, dataDir: path.dirname(store.startsWith('redis') ? path.join(tmpdir(), 'x') : store), log: { debug() {}, info() {}, warn() {}, error() {} }, audit() {}, cost: (_p, _m, u) => (u.prompt_tokens * 0.15 + u.completion_tokens * 0.6) / 1e6 }
  const hooks = await governancePlugin.setup(governancePlugin.options.parse(options), setup)
  const body = { model: 'gpt-4o-mini', max_tokens: 200, messages: [{ role: 'user', content: 'How long does shipping take to Lyon? '.repeat(20) }] }
  const admit = []
  const settle = []
  for (let i = 0; i < HOOK_RUNS + 1000; i++) {
    const ctx = new RequestContext({ id: String(i), operation: 'chat', format: 'openai', path: '/v1/chat/completions', headers: { authorization: `Bearer ${KEY}` }, body, candidates: () => [{ provider: 'openai', model: 'gpt-4o-mini' }] })
    let t = process.hrtime.bigint()
    await hooks.policy(ctx)
    const a = Number(process.hrtime.bigint() - t) / 1000
    const record = { usage: { prompt_tokens: 180, completion_tokens: 20, total_tokens: 200 }, costUsd: 0.00004, shortCircuited: false }
    t = process.hrtime.bigint()
    await hooks.postLog(ctx, record)
    const s = Number(process.hrtime.bigint() - t) / 1000
    if (i >= 1000) (admit.push(a), settle.push(s))
  }
  await hooks.close()
  const q = quantile
  return `| ${name} | ${q(admit, 0.5).toFixed(1)} | ${q(admit, 0.99).toFixed(1)} | ${q(settle, 0.5).toFixed(1)} |`
}

main().then(() => process.exit(0), (e) => (stopAll(), process.stderr.write(`${e.stack ?? e}\n`), process.exit(1)))
