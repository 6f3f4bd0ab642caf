/**
 * The tinypool worker that runs one WASM plugin (compiled to dist/wasm/worker.js: tinypool
 * cannot load .ts workers). It keeps one Extism instance, resets it after every call (Extism
 * fails after ~5k calls on one instance otherwise) and rebuilds it every `recycleAfterCalls`
 * calls and after any trap. A call that never ends is not this file's business: the pool
 * kills the whole thread.
 */
import { workerData } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
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

// The optional fast path (`sluice` host functions, see wasm-examples/README.md): Extism's own
// input/output move 8 bytes per host call (~45 µs for 4 KB); these copy in one call.
let memory: { buffer: ArrayBuffer } | undefined
let input: Uint8Array = new Uint8Array(0)
let fastOutput: Uint8Array | null = null
let fastOutputLength = 0
const encoder = new TextEncoder()
const functions = {
  sluice: {
    /** Copies the call's input (Extism `input_length()` bytes) to `ptr` in the guest's memory. */
    read_input(_cc: unknown, ptr: number, len: number) {
      new Uint8Array(memory!.buffer, ptr >>> 0, Math.min(len >>> 0, input.length)).set(input.subarray(0, len >>> 0))
    },
    /** Takes `len` bytes at `ptr` as the call's output (instead of Extism's output_set). */
    write_output(_cc: unknown, ptr: number, len: number) {
      // Over the cap: not copied; the size alone is reported (checked after the call).
      fastOutput = len >>> 0 > data.maxOutputBytes ? new Uint8Array(0) : new Uint8Array(memory!.buffer, ptr >>> 0, len >>> 0).slice()
      fastOutputLength = len >>> 0
    },
  },
}

function instance(): Promise<Plugin> {
  plugin ??= createPlugin({ wasm: [{ module: data.module }] }, { useWasi: data.wasi, config: data.config, functions, logger, enableWasiOutput: false }).then(async (p) => {
    memory = (await p.getInstance()).exports.memory as unknown as { buffer: ArrayBuffer }
    return p
  })
  return plugin
}

async function discard(): Promise<void> {
  const old = plugin
  plugin = undefined
  calls = 0
  await old?.then((p) => p.close()).catch(() => {})
}

export default async function run(task: WorkerTask): Promise<WorkerResult> {
  if (task.port) listen(task.port)
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
    input = encoder.encode(task.input)
    fastOutput = null
    const output = await p.call(task.hook, input)
    bytes = fastOutput ?? (output ? output.bytes() : null)
  } catch (error) {
    // A trap may leave the guest's heap half-updated: start again from the module.
    await discard()
    const message = describe(error)
    return { ok: false, kind: /Plugin-originated error/.test(message) ? 'plugin_error' : 'trap', message, logs }
  }
  if (++calls >= data.recycleAfterCalls) await discard()
  else await p.reset()
  const length = fastOutput ? fastOutputLength : (bytes?.length ?? 0)
  if (length > data.maxOutputBytes)
    return { ok: false, kind: 'output_too_large', message: `output of ${length} bytes is over maxOutputBytes (${data.maxOutputBytes})`, logs }
  try {
    return { ok: true, decision: decodeOutput(bytes, task.hook as HookName), logs }
  } catch (error) {
    if (error instanceof AbiError) return { ok: false, kind: 'invalid_output', message: error.message, logs }
    throw error
  }
}

/**
 * The pool's direct line: calls come on this port and answers go back on it, one at a time
 * (tinypool's own task path costs ~40 µs more per call; tinypool still starts and kills the thread).
 */
function listen(port: MessagePort): void {
  port.on('message', (task: WorkerTask) => {
    run(task).then(
      (result) => port.postMessage(result),
      (error: unknown) => port.postMessage({ ok: false, kind: 'crashed', message: describe(error), logs } satisfies WorkerResult),
    )
  })
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error)
  return text.slice(0, 500)
}
