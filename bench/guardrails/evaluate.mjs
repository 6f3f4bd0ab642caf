#!/usr/bin/env node
// Precision/recall per detector on corpus.jsonl, throughput (MB/s) and the time to scan a 10 KB
// prompt with every built-in detector on. Build first: npx tsc -b plugins/guardrails
// Run: node bench/guardrails/evaluate.mjs [--json]
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { builtinDetectors, scan } from '../../plugins/guardrails/dist/index.js'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const corpus = readFileSync(here('./corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const rules = builtinDetectors().map((detector) => ({ detector, action: 'redact' }))

const stats = new Map(rules.map((r) => [r.detector.id, { tp: 0, fp: 0, fn: 0 }]))
const errors = []
for (const { text, labels } of corpus) {
  const found = new Set(scan(text, rules).map((f) => f.rule))
  for (const [id, s] of stats) {
    const want = labels.includes(id)
    const got = found.has(id)
    if (want && got) s.tp++
    else if (got) { s.fp++; errors.push(`FP ${id}: ${text.slice(0, 120)}`) }
    else if (want) { s.fn++; errors.push(`FN ${id}: ${text.slice(0, 120)}`) }
  }
}

const rows = []
for (const [id, s] of stats) {
  const precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1
  const recall = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1
  rows.push({ detector: id, positives: s.tp + s.fn, tp: s.tp, fp: s.fp, fn: s.fn, precision: +precision.toFixed(3), recall: +recall.toFixed(3) })
}

// Throughput: the whole corpus text, scanned as one blob, repeatedly.
const blob = corpus.map((c) => c.text).join('\n')
const bytes = Buffer.byteLength(blob)
for (let i = 0; i < 20; i++) scan(blob, rules)
let t0 = performance.now()
let n = 0
while (performance.now() - t0 < 1500) { scan(blob, rules); n++ }
const mbps = (bytes * n) / 1e6 / ((performance.now() - t0) / 1000)

// A realistic 10 KB prompt: prose and code, no secrets (the common case), and one with a few findings.
const prose = readFileSync(here('./prompt-10k.txt'), 'utf8')
const prompt = prose.slice(0, 10_240)
const withFindings = prompt.slice(0, 9_900) + ' mail jane@example.com key AKIAIOSFODNN7EXAMPLE card 4111 1111 1111 1111'
const time = (text) => {
  for (let i = 0; i < 300; i++) scan(text, rules)
  const samples = []
  for (let i = 0; i < 2000; i++) { const s = performance.now(); scan(text, rules); samples.push(performance.now() - s) }
  samples.sort((a, b) => a - b)
  return { median: +samples[1000].toFixed(4), p99: +samples[1980].toFixed(4) }
}
const clean = time(prompt)
const dirty = time(withFindings)

if (process.argv.includes('--json')) console.log(JSON.stringify({ rows, mbps, clean, dirty }, null, 2))
else {
  console.table(rows)
  if (process.argv.includes('--errors')) for (const e of errors) console.log(e)
  console.log(`corpus: ${corpus.length} samples, ${(bytes / 1024).toFixed(1)} KB`)
  console.log(`throughput: ${mbps.toFixed(1)} MB/s (all ${rules.length} built-in detectors)`)
  console.log(`10 KB prompt scan: median ${clean.median} ms, p99 ${clean.p99} ms (clean); median ${dirty.median} ms, p99 ${dirty.p99} ms (3 findings)`)
  const bad = rows.filter((r) => r.precision < 0.95 || r.recall < 0.95)
  console.log(bad.length ? `BELOW TARGET: ${bad.map((r) => r.detector).join(', ')}` : 'all detectors: precision and recall >= 0.95')
}
