/**
 * The tinypool worker that runs one WASM plugin (compiled to dist/wasm/worker.js: tinypool
 * cannot load .ts workers). It keeps one Extism instance, resets it after every call (Extism
 * fails after ~5k calls on one instance otherwise) and rebuilds it every `recycleAfterCalls`
 * calls and after any trap. A call that never ends is not this file's business: the pool
 * kills the whole thread.
 */
import { workerData } from 'node:worker_threads'
import type { Plugin } from '@extism/extism'
import type { HookName } from '@sluice/sdk'
import { AbiError, decodeOutput } from './abi.js'
import type { WorkerData, WorkerResult, WorkerTask } from './protocol.js'

// Extism loads node:wasi, whose "experimental" warning would land in the gateway's output on
// every worker start; it is not ours to report (WASI is enabled only for modules that import it).
const emitWarning = process.emitWarning.bind(process)
process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
  if (!String(warning instanceof Error ? warning.message : warning).includes('WASI')) emitWarning(warning, ...rest)
}) as typeof process.emitWarning
const { default: createPlugin } = await import('@extism/extism')

const data = (workerData as [unknown, WorkerData])[1]
const MAX_LOGS = 20
const MAX_LOG_CHARS = 2000

let logs: { level: string; message: string }[] = []
const collect = (level: string) => (message: unknown) => {
  if (logs.length < MAX_LOGS) logs.push({ level, message: String(message).slice(0, MAX_LOG_CHARS) })
}
const logger = { debug: collect('debug'), info: collect('info'), warn: collect('warn'), error: collect('error'), log: collect('info'), trace: collect('debug') } as unknown as Console

let plugin: Promise<Plugin> | undefined
let calls = 0

function instance(): Promise<Plugin> {
  plugin ??= createPlugin({ wasm: [{ module: data.module }] }, { useWasi: data.wasi, config: data.config, logger, enableWasiOutput: false })
  return plugin
}

async function discard(): Promise<void> {
  const old = plugin
  plugin = undefined
  calls = 0
  await old?.then((p) => p.close()).catch(() => {})
}

export default async function run(task: WorkerTask): Promise<WorkerResult> {
  logs = []
  let p: Plugin
  try {
    p = await instance()
  } catch (error) {
    plugin = undefined
    const hint = error instanceof Error && error.name === 'RuntimeError' ? ' (its start code trapped: is maxMemoryMb too small?)' : ''
    return { ok: false, kind: 'trap', message: `cannot instantiate: ${describe(error)}${hint}`, logs }
  }
  // The pool's warm-up call: the thread is up and the module instantiated.
  if (task.hook === '') return { ok: true, decision: { action: 'continue' }, logs }
  let bytes: Uint8Array | null
  try {
    const output = await p.call(task.hook, task.input)
    bytes = output ? output.bytes() : null
  } catch (error) {
    // A trap may leave the guest's heap half-updated: start again from the module.
    await discard()
    const message = describe(error)
    return { ok: false, kind: /Plugin-originated error/.test(message) ? 'plugin_error' : 'trap', message, logs }
  }
  if (++calls >= data.recycleAfterCalls) await discard()
  else await p.reset()
  if (bytes && bytes.length > data.maxOutputBytes)
    return { ok: false, kind: 'output_too_large', message: `output of ${bytes.length} bytes is over maxOutputBytes (${data.maxOutputBytes})`, logs }
  try {
    return { ok: true, decision: decodeOutput(bytes, task.hook as HookName), logs }
  } catch (error) {
    if (error instanceof AbiError) return { ok: false, kind: 'invalid_output', message: error.message, logs }
    throw error
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error)
  return text.slice(0, 500)
}
