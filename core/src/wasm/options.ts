import { z } from 'zod'
import { HOOK_NAMES } from '@sluice/sdk'

/** A plugin config value: strings pass as they are, anything else as its JSON text. */
const configValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())])

/**
 * Options of a WASM plugin entry: `['./plugins/guard.wasm', { hooks: ['preRequest'], … }]`.
 *
 * @example
 * ['./plugins/guard.wasm', { hooks: ['preRequest'], config: { terms: ['falcon'] }, timeoutMs: 50, failOpen: false }]
 */
export const wasmOptionsSchema = z
  .object({
    /** Hooks the plugin serves; each must be an exported function. Default: every hook it exports. */
    hooks: z.array(z.enum(HOOK_NAMES)).min(1).optional(),
    /** Passed to the plugin as Extism config (read with `Config.get(key)`); non-strings as JSON. */
    config: z.record(z.string(), configValue).default({}),
    /** Only requests for these models (as the client named them; `*` matches anything) run the plugin. */
    models: z.array(z.string().min(1)).min(1).optional(),
    /** Time limit of one call once it runs, in ms. Past it the worker is killed and replaced. */
    timeoutMs: z.number().int().min(1).max(60_000).default(200),
    /** Linear memory the module may grow to, in MiB (written into the module as its maximum). */
    maxMemoryMb: z.number().int().min(1).max(4096).default(32),
    /** Largest output a call may return, in bytes. */
    maxOutputBytes: z.number().int().min(64).max(64 * 1024 * 1024).default(1024 * 1024),
    /** On a failure (timeout, trap, bad output …): true lets the request go on (logged, counted). */
    failOpen: z.boolean().default(false),
    /** Worker threads running this plugin. */
    threads: z.number().int().min(1).max(16).default(1),
    /** Calls waiting for a worker before more fail as overloaded. */
    maxQueue: z.number().int().min(0).max(100_000).default(256),
    /** How long a call may wait for a free worker (one being replaced included) before it fails as overloaded, in ms. */
    queueTimeoutMs: z.number().int().min(1).max(60_000).default(1000),
    /** Calls one instance serves before it is rebuilt from the compiled module. */
    recycleAfterCalls: z.number().int().min(1).default(10_000),
  })
  .strict()

export type WasmOptions = z.output<typeof wasmOptionsSchema>
export type WasmOptionsInput = z.input<typeof wasmOptionsSchema>

/** Extism config is string to string: strings pass, other values as JSON. */
export function extismConfig(config: WasmOptions['config']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(config)) out[key] = typeof value === 'string' ? value : JSON.stringify(value)
  return out
}
