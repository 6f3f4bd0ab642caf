#!/usr/bin/env node
// Builds every plugin here to <name>/build/<name>.wasm with AssemblyScript (one process, asc's API),
// skipping those whose build is newer than their sources. `npm test` runs it before the suite.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import asc from 'assemblyscript/asc'

const here = path.dirname(fileURLToPath(import.meta.url))
process.chdir(here)
const plugins = ['guardrail', 'tagger', 'system-prompt', 'hostile', 'hooks-probe']
const force = process.argv.includes('--force')

const newest = (dir) =>
  readdirSync(dir, { recursive: true }).reduce((max, f) => Math.max(max, statSync(path.join(dir, String(f))).mtimeMs), 0)
const shared = Math.max(newest('shared'), statSync(fileURLToPath(import.meta.url)).mtimeMs)

let failed = false
for (const name of plugins) {
  const out = `${name}/build/${name}.wasm`
  if (!force && existsSync(out) && statSync(out).mtimeMs > Math.max(shared, newest(`${name}/src`))) continue
  mkdirSync(`${name}/build`, { recursive: true })
  const started = performance.now()
  const { error, stderr } = await asc.main(
    [`${name}/src/index.ts`, '--outFile', out, '--use', 'abort=shared/sluice/abort', '--transform', 'json-as', '-O3', '--runtime', 'incremental', '--noAssert', '--disableWarning'],
    {},
  )
  if (error) {
    failed = true
    process.stderr.write(`wasm-examples: ${name} failed to build\n${stderr.toString()}\n`)
  } else process.stdout.write(`wasm-examples: built ${out} (${statSync(out).size} bytes, ${Math.round(performance.now() - started)} ms)\n`)
}
if (failed) process.exit(1)
