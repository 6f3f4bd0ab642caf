import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MessageChannel } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import Tinypool from 'tinypool'
import type { WorkerData, WorkerResult, WorkerTask } from './protocol.js'

export interface WasmPoolOptions extends WorkerData {
  threads: number
  maxQueue: number
  timeoutMs: number
  queueTimeoutMs: number
}

/** How long a fresh worker may take to load Extism and instantiate the module. */
const WARM_TIMEOUT_MS = 10_000
const RETRY_MS = 1000

/**
 * The compiled worker. From core's sources (vitest) fall back to the built file in dist/:
 * tinypool cannot load a .ts worker.
 */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url))
  if (existsSync(beside)) return beside
  return fileURLToPath(new URL('../../dist/wasm/worker.js', import.meta.url))
}

/**
 * One worker thread with its own tinypool (of one), so the host knows each thread's state.
 * Calls go over `port`, a channel handed to the worker with the warm-up task.
 */
interface Slot {
  pool: Tinypool
  state: 'starting' | 'idle' | 'busy' | 'closed'
  port?: MessagePort
  /** Takes the answer (or the failure) of the call in progress. */
  settle?: (result: WorkerResult) => void
}

interface Waiter {
  task: WorkerTask
  resolve: (result: WorkerResult) => void
  timer: NodeJS.Timeout
}

/**
 * Runs one WASM plugin's calls on worker threads, off the event loop. A call gets a free worker
 * or waits (at most `maxQueue` calls, at most `queueTimeoutMs`); once running it has `timeoutMs`,
 * after which its thread is terminated and a fresh one is started and warmed before it takes
 * calls again. Never throws for a plugin's failure: it answers a failure kind.
 */
export class WasmPool {
  readonly #slots: Slot[] = []
  readonly #waiting: Waiter[] = []
  readonly #options: WasmPoolOptions
  #closed = false

  constructor(options: WasmPoolOptions) {
    this.#options = options
    for (let i = 0; i < options.threads; i++) this.#slots.push({ state: 'starting', pool: this.#thread() })
  }

  #thread(): Tinypool {
    const o = this.#options
    const data: WorkerData = { module: o.module, config: o.config, wasi: o.wasi, maxOutputBytes: o.maxOutputBytes, recycleAfterCalls: o.recycleAfterCalls }
    return new Tinypool({
      filename: workerFile(),
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      // An idle worker must listen to its port, not sleep in Atomics.wait.
      useAtomics: false,
      workerData: data,
      // Bounds the worker's JS heap (Extism's host blocks included); wasm memory is capped in the module.
      resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    })
  }

  /** Starts every worker and instantiates the module in it; throws when it cannot. */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#warm(slot, true)))
  }

  /** Threads ready for a call right now (for tests and health). */
  get idleThreads(): number {
    return this.#slots.filter((s) => s.state === 'idle').length
  }

  /** The worker threads now running (for tests). */
  get threads(): readonly { terminate(): Promise<number> }[] {
    return this.#slots.flatMap((s) => s.pool.threads)
  }

  call(hook: string, input: string): Promise<WorkerResult> {
    const task: WorkerTask = { hook, input }
    if (this.#closed) return Promise.resolve({ ok: false, kind: 'crashed', message: 'the plugin is closed', logs: [] })
    const slot = this.#slots.find((s) => s.state === 'idle')
    if (slot) return this.#run(slot, task)
    if (this.#waiting.length >= this.#options.maxQueue)
      return Promise.resolve({ ok: false, kind: 'overloaded', message: `${this.#waiting.length} calls already wait for a worker (maxQueue)`, logs: [] })
    return new Promise<WorkerResult>((resolve) => {
      const waiter: Waiter = {
        task,
        resolve,
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(waiter)
          if (at !== -1) this.#waiting.splice(at, 1)
          resolve({ ok: false, kind: 'overloaded', message: `no worker was free within ${this.#options.queueTimeoutMs} ms`, logs: [] })
        }, this.#options.queueTimeoutMs),
      }
      this.#waiting.push(waiter)
    })
  }

  /** Runs a call on an idle slot, racing it against `timeoutMs`; past it the thread is replaced. */
  #run(slot: Slot, task: WorkerTask): Promise<WorkerResult> {
    slot.state = 'busy'
    return new Promise<WorkerResult>((resolve) => {
      const timer = setTimeout(() => {
        if (slot.settle !== settle || this.#closed) return
        slot.settle = undefined
        this.#replace(slot)
        resolve({ ok: false, kind: 'timeout', message: `no answer within ${this.#options.timeoutMs} ms (worker replaced)`, logs: [] })
      }, this.#options.timeoutMs)
      const settle = (result: WorkerResult) => {
        slot.settle = undefined
        clearTimeout(timer)
        resolve(result)
        if (slot.state === 'busy') this.#release(slot)
      }
      slot.settle = settle
      slot.port!.postMessage(task)
    })
  }

  #release(slot: Slot): void {
    if (this.#closed) return
    slot.state = 'idle'
    const next = this.#waiting.shift()
    if (!next) return
    clearTimeout(next.timer)
    void this.#run(slot, next.task).then(next.resolve)
  }

  /** Terminates the slot's thread (whatever it is doing) and starts a fresh one, warmed before use. */
  #replace(slot: Slot): void {
    const old = slot.pool
    slot.port?.close()
    slot.port = undefined
    slot.pool = this.#thread()
    void old.destroy().catch(() => {})
    void this.#warm(slot, false)
  }

  /** Starts the module in the slot's thread and hands it the port calls will come on. */
  async #warm(slot: Slot, strict: boolean): Promise<void> {
    slot.state = 'starting'
    const pool = slot.pool
    const channel = new MessageChannel()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the module did not instantiate within ${WARM_TIMEOUT_MS} ms`)), WARM_TIMEOUT_MS)
    })
    try {
      const warmUp: WorkerTask = { hook: '', input: '', port: channel.port2 }
      const result = (await Promise.race([pool.run(warmUp, { transferList: [channel.port2] }), timeout])) as WorkerResult
      if (!result.ok) throw new Error(result.message)
      if (slot.pool !== pool || this.#closed) return channel.port1.close()
      this.#connect(slot, channel.port1)
      this.#release(slot)
    } catch (error) {
      channel.port1.close()
      if (this.#closed || slot.pool !== pool) return
      if (strict) throw error
      // A start that hangs or fails: a fresh thread, a little later.
      slot.pool = this.#thread()
      void pool.destroy().catch(() => {})
      setTimeout(() => void this.#warm(slot, false), RETRY_MS).unref()
    } finally {
      clearTimeout(timer)
    }
  }

  #connect(slot: Slot, port: MessagePort): void {
    slot.port = port
    port.on('message', (result: WorkerResult) => slot.settle?.(result))
    // The thread died on its own (e.g. its heap limit): its end of the channel closed.
    port.on('close', () => {
      if (slot.port !== port || this.#closed) return
      const settle = slot.settle
      slot.settle = undefined
      this.#replace(slot)
      settle?.({ ok: false, kind: 'crashed', message: 'the worker died during the call', logs: [] })
    })
    port.unref()
  }

  /** Fails waiting calls and terminates every worker. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const waiter of this.#waiting.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.resolve({ ok: false, kind: 'crashed', message: 'the plugin was closed', logs: [] })
    }
    for (const slot of this.#slots) {
      slot.state = 'closed'
      slot.settle?.({ ok: false, kind: 'crashed', message: 'the plugin was closed during the call', logs: [] })
      slot.port?.close()
    }
    await Promise.all(this.#slots.map((s) => s.pool.destroy()))
  }
}
