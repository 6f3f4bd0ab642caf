#!/usr/bin/env node
// The request log's embedded store at scale (issue 9): 1,000,000 rows, then each documented filter
// query (first page of 100, newest first) timed, median and p99 of 20 runs.
//
//   npm run build && node bench/request-log.mjs [--rows 1000000]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { SqliteLogStore } from '@sluice/request-log'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } })
const rows = Number(values.rows)
const store = new SqliteLogStore(path.join(mkdtempSync(path.join(tmpdir(), 'sluice-log-bench-')), 'requests.db'))
const now = Date.now()
const pick = (list, i) => list[i % list.length]
const keys = Array.from({ length: 500 }, (_, i) => `vk-${i}`)
const teams = Array.from({ length: 20 }, (_, i) => `team-${i}`)
const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'gemini-2.5-flash', 'llama-3.3-70b', 'mistral-large']
const providers = ['openai', 'anthropic', 'gemini', 'groq', 'mistral']
const statuses = [200, 200, 200, 200, 200, 200, 200, 429, 402, 502]
let t = performance.now()
for (let start = 0; start < rows; start += 10_000) {
  const batch = []
  for (let i = start; i < Math.min(rows, start + 10_000); i++)
    batch.push({ id: `req-${i.toString(36).padStart(8, '0')}`, ts: now - (rows - i) * 2_000, path: '/v1/chat/completions', operation: 'chat', key_id: pick(keys, i * 7), team: pick(teams, i * 3), customer: null, provider: pick(providers, i), model: pick(models, i * 5), requested_model: 'm', status: pick(statuses, i * 11), error_type: null, stream: i % 2, finish_reason: 'stop', input_tokens: 300, output_tokens: 40, cached_tokens: null, cost_usd: 0.0001, total_ms: 800, upstream_ms: 780, first_byte_ms: 300, attempts: 1, short_circuited: 0, client_aborted: 0, prompt: null, answer: null, extra: null })
  await store.insert(batch)
}
const loadSeconds = (performance.now() - t) / 1000
const day = 86_400_000
const queries = {
  'newest 100': {},
  'time range (one day, a week back)': { from: now - 8 * day, to: now - 7 * day },
  key: { key: 'vk-42' },
  team: { team: 'team-7' },
  model: { model: 'gemini-2.5-flash' },
  provider: { provider: 'groq' },
  status: { status: 402 },
  'key + time range': { key: 'vk-42', from: now - 10 * day, to: now - 3 * day },
}
const out = [`${rows} rows written in ${loadSeconds.toFixed(1)} s`, '', '| filter | median ms | p99 ms | rows |', '|---|---|---|---|']
for (const [name, filter] of Object.entries(queries)) {
  const times = []
  let n = 0
  for (let i = 0; i < 20; i++) {
    t = performance.now()
    n = (await store.query(filter, 100)).length
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  out.push(`| ${name} | ${times[10].toFixed(2)} | ${times[19].toFixed(2)} | ${n} |`)
}
await store.close()
process.stdout.write(`${out.join('\n')}\n`)
