import type { MessagePort } from 'node:worker_threads'
import type { Decision } from './abi.js'
import type { WasmModule } from './wasm-api.js'

/** How a WASM call failed; the label of the failure counter. */
export type FailureKind =
  | 'timeout' // over timeoutMs: the worker was killed and replaced
  | 'trap' // unreachable, abort, out of memory (past maxMemoryMb), stack overflow …
  | 'plugin_error' // the plugin returned an error through Extism (error_set)
  | 'invalid_output' // not JSON, or not the ABI's shape
  | 'output_too_large' // over maxOutputBytes
  | 'crashed' // the worker thread died (e.g. its JS heap limit)
  | 'overloaded' // more calls waiting than maxQueue

export const FAILURE_KINDS: readonly FailureKind[] = ['timeout', 'trap', 'plugin_error', 'invalid_output', 'output_too_large', 'crashed', 'overloaded']

/** Given to every worker of a plugin's pool. */
export interface WorkerData {
  module: WasmModule
  config: Record<string, string>
  wasi: boolean
  maxOutputBytes: number
  recycleAfterCalls: number
}

export interface WorkerTask {
  hook: string
  input: string
  /** With the warm-up task (hook ''): the port later calls come on (see WasmPool). */
  port?: MessagePort
}

export type WorkerLog = { level: string; message: string }

export type WorkerResult =
  | { ok: true; decision: Decision; logs: WorkerLog[] }
  | { ok: false; kind: FailureKind; message: string; logs: WorkerLog[] }
