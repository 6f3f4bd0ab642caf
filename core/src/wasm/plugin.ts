import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { GatewayError, HOOK_NAMES, definePlugin } from '@sluice/sdk'
import type { GatewayContext, HookName, Logger, PluginInstance, SetupContext, SluicePlugin } from '@sluice/sdk'
import { encodeInput } from './abi.js'
import type { Decision } from './abi.js'
import { MemoryCapError, WASM_PAGE_BYTES, capMemory } from './memory-cap.js'
import { checkModifiedRequest, checkModifiedResponse } from './modified.js'
import { extismConfig, wasmOptionsSchema } from './options.js'
import type { WasmOptions } from './options.js'
import { WasmPool } from './pool.js'
import { wasmApi } from './wasm-api.js'
import type { WasmModule } from './wasm-api.js'
import type { FailureKind, WorkerLog, WorkerResult } from './protocol.js'

/**
 * Builds a normal Sluice plugin from a `.wasm` file (an Extism plugin exporting hook functions).
 * Its options are checked by `wasmOptionsSchema`; the lifecycle engine runs it like any plugin.
 *
 * @example
 * const guard = wasmPlugin('/etc/sluice/plugins/guard.wasm')
 * createGateway({ plugins: [[guard, { hooks: ['preRequest'], config: { terms: ['falcon'] } }]] })
 */
export function wasmPlugin(file: string): SluicePlugin<typeof wasmOptionsSchema> {
  const name = path.basename(file)
  return definePlugin({
    name,
    options: wasmOptionsSchema,
    setup: (options, context) => setupWasm(file, name, options, context),
  })
}

async function setupWasm(file: string, name: string, options: WasmOptions, context: SetupContext): Promise<PluginInstance> {
  const bytes = new Uint8Array(await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file} (${error.code ?? error.message})`)
  }))
  const original = await wasmApi.compile(bytes).catch((error: unknown) => {
    throw new Error(`not a valid WebAssembly module: ${error instanceof Error ? error.message : String(error)}`)
  })
  const imports = wasmApi.Module.imports(original)
  if (imports.some((i) => i.kind === 'memory')) throw new Error('the module imports its memory; Sluice caps a plugin\'s memory and needs it defined in the module')
  const exported = new Set(wasmApi.Module.exports(original).filter((e) => e.kind === 'function').map((e) => e.name))
  const hooks = options.hooks ?? HOOK_NAMES.filter((h) => exported.has(h))
  if (hooks.length === 0) throw new Error(`the module exports none of the hooks (${HOOK_NAMES.join(', ')})`)
  const missing = hooks.filter((h) => !exported.has(h))
  if (missing.length) throw new Error(`the module does not export ${missing.map((h) => `"${h}"`).join(', ')} (its exports: ${[...exported].join(', ') || 'none'})`)
  let module: WasmModule
  try {
    module = await wasmApi.compile(capMemory(bytes, Math.floor((options.maxMemoryMb * 1024 * 1024) / WASM_PAGE_BYTES)))
  } catch (error) {
    throw new Error(error instanceof MemoryCapError ? error.message : `cannot cap its memory: ${String(error)}`)
  }
  const pool = new WasmPool({
    module,
    config: extismConfig(options.config),
    wasi: imports.some((i) => i.module.startsWith('wasi_')),
    maxOutputBytes: options.maxOutputBytes,
    recycleAfterCalls: options.recycleAfterCalls,
    threads: options.threads,
    maxQueue: options.maxQueue,
    timeoutMs: options.timeoutMs,
    queueTimeoutMs: options.queueTimeoutMs,
  })
  try {
    await pool.start()
  } catch (error) {
    await pool.close()
    throw new Error(`cannot start: ${error instanceof Error ? error.message : String(error)}`)
  }
  return adapter(name, hooks, options, pool, context.log)
}

/** The hooks that turn calls into the plugin's decisions, and failures into fail-open/closed. */
function adapter(name: string, hooks: readonly HookName[], options: WasmOptions, pool: WasmPool, log: Logger): PluginInstance {
  const models = options.models?.map(globToRegExp)
  const applies = (ctx: GatewayContext) => !models || models.some((m) => m.test(ctx.request.model))

  /** `observeOnly`: the answer is out already (postLog, a streamed answer), so a failure refuses nothing. */
  const call = async (hook: HookName, ctx: GatewayContext, input: string, observeOnly = false): Promise<Decision | undefined> => {
    const result = await pool.call(hook, input)
    route(result.logs, hook, ctx)
    if (result.ok) return result.decision
    fail(hook, ctx, result, observeOnly)
    return undefined
  }

  const route = (logs: WorkerLog[], hook: HookName, ctx: GatewayContext) => {
    for (const entry of logs) {
      const level = entry.level === 'debug' || entry.level === 'warn' || entry.level === 'error' ? entry.level : 'info'
      log[level](entry.message, { plugin: name, hook, requestId: ctx.id })
    }
  }

  // Counted on the request (ctx.meta.pluginFailures, for metrics) and logged with the detail;
  // the client sees the kind, never the detail.
  // An observer's failure must not throw either: the request would be recorded (logs, metrics,
  // audit) as failed although the client got its whole answer.
  const fail = (hook: HookName, ctx: GatewayContext, result: Extract<WorkerResult, { ok: false }>, observeOnly: boolean) => {
    const failOpen = options.failOpen
    ;(ctx.meta.pluginFailures ??= []).push({ plugin: name, hook, kind: result.kind, failOpen })
    log.error('wasm plugin failed', { plugin: name, hook, kind: result.kind, detail: result.message, failOpen, requestId: ctx.id })
    if (failOpen || observeOnly) return
    throw new GatewayError(statusFor(result.kind), 'gateway_plugin_error', `Plugin "${name}" failed in ${hook} (${result.kind.replace(/_/g, ' ')})`)
  }

  const apply = (decision: Decision | undefined, ctx: GatewayContext) => {
    if (!decision) return
    for (const [header, value] of Object.entries(decision.headers ?? {})) ctx.setResponseHeader(header, value)
    if (decision.action === 'refuse') throw new GatewayError(decision.status, decision.type, decision.message)
  }

  /** A modify that does not fit this request is the plugin's invalid output, like any ABI break. */
  const fits = (hook: HookName, ctx: GatewayContext, problem: string | undefined): boolean => {
    if (!problem) return true
    fail(hook, ctx, { ok: false, kind: 'invalid_output', message: problem, logs: [] }, false)
    return false
  }

  const preHook = (hook: 'preAuth' | 'policy' | 'preRequest') => async (ctx: GatewayContext) => {
    if (!applies(ctx)) return
    const decision = await call(hook, ctx, encodeInput(hook, ctx))
    if (decision?.action === 'modify' && decision.request && !fits(hook, ctx, checkModifiedRequest(ctx.request.operation, ctx.request.stream, decision.request))) return
    apply(decision, ctx)
    if (decision?.action === 'modify' && decision.request) ctx.request.body = decision.request as never
  }

  const instance: PluginInstance = { close: () => pool.close() }
  for (const hook of hooks) {
    if (hook === 'preAuth' || hook === 'policy' || hook === 'preRequest') instance[hook] = preHook(hook)
    else if (hook === 'response')
      instance.response = async (ctx, response, { stream }) => {
        if (!applies(ctx)) return
        const decision = await call('response', ctx, encodeInput('response', ctx, { response, stream }), stream)
        // A streamed answer has been sent already: the plugin only observes it.
        if (stream) {
          if (decision && decision.action !== 'continue') log.warn('wasm plugin tried to change a streamed answer after it was sent; ignored', { plugin: name, requestId: ctx.id })
          return
        }
        if (decision?.action === 'modify' && decision.response && !fits('response', ctx, checkModifiedResponse(ctx.request.operation, decision.response))) return
        apply(decision, ctx)
        if (decision?.action === 'modify' && decision.response) return decision.response as never
      }
    else if (hook === 'postLog')
      instance.postLog = async (ctx, record) => {
        if (!applies(ctx)) return
        await call('postLog', ctx, encodeInput('postLog', ctx, { record }), true)
      }
  }
  return instance
}

/** Timeouts and a full queue are "try again" (503); a broken plugin is our fault (500). */
function statusFor(kind: FailureKind): number {
  return kind === 'timeout' || kind === 'overloaded' ? 503 : 500
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
}
