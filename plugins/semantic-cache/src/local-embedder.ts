import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Tinypool from 'tinypool'
import { Batcher } from './batcher.js'
import type { EmbedResult, EmbedTask, ModelSource } from './embed-worker.js'
import type { LocalEmbedderOptions } from './options.js'

/** Turns texts into unit vectors. */
export interface Embedder {
  /** The text's unit vector; undefined when the model cannot take the text whole (too many tokens). */
  embed(text: string): Promise<Float32Array | undefined>
  readonly stats: { batches: number; texts: number }
  close(): Promise<void>
}

/**
 * Where the model comes from: a folder (absolute, `./relative` to the config file, or any path
 * that exists) is read locally and never fetched; anything else is a hub id, looked up in
 * `localModelPath` first, fetched once into `cacheDir` (under dataDir) when remote models are allowed.
 */
export function modelSource(options: LocalEmbedderOptions, configDir: string, dataDir: string): ModelSource {
  const cacheDir = path.resolve(dataDir, options.cacheDir)
  const asPath = path.resolve(configDir, options.model)
  const looksLikePath = path.isAbsolute(options.model) || options.model.startsWith('.') || (existsSync(asPath) && statSync(asPath).isDirectory())
  if (looksLikePath)
    return { model: path.basename(asPath), localModelPath: path.dirname(asPath), allowRemoteModels: false, cacheDir, quantized: options.quantized }
  return {
    model: options.model,
    localModelPath: options.localModelPath ? path.resolve(configDir, options.localModelPath) : undefined,
    allowRemoteModels: options.allowRemoteModels,
    cacheDir,
    quantized: options.quantized,
  }
}

/**
 * Names the model in the semantic partition, so vectors of two models never meet (a folder's
 * name says little: another model of the same size may be put in its place). A local folder is
 * named by a digest of its config, tokenizer and weights' size; a hub id by itself. Quantized
 * weights give other vectors than full ones.
 */
export function modelIdentity(source: ModelSource): string {
  const variant = source.quantized ? 'q' : 'f'
  const folder = source.localModelPath ? path.join(source.localModelPath, source.model) : undefined
  if (!folder || !existsSync(path.join(folder, 'config.json'))) return `${source.model}#${variant}`
  const hash = createHash('sha256')
  for (const file of ['config.json', 'tokenizer.json']) if (existsSync(path.join(folder, file))) hash.update(readFileSync(path.join(folder, file)))
  const weights = path.join(folder, 'onnx', source.quantized ? 'model_quantized.onnx' : 'model.onnx')
  if (existsSync(weights)) hash.update(String(statSync(weights).size))
  return `${source.model}#${variant}#${hash.digest('hex').slice(0, 16)}`
}

/** The compiled worker next to this file; from the sources (tests), the built one in dist/. */
function workerFile(): string {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const sibling = path.join(here, 'embed-worker.js')
  return existsSync(sibling) ? sibling : path.join(here, '..', 'dist', 'embed-worker.js')
}

/**
 * transformers.js in tinypool workers, behind a batcher. `warmUp` loads the model in every
 * worker, so a missing model fails at start, not on the first request.
 *
 * The workers are child processes, not threads: onnxruntime-node's addon cannot be loaded again
 * by a new thread once every thread that loaded it has exited ("Module did not self-register"),
 * which a config reload, a restarted embedded gateway or a respawned crashed worker all do. A
 * process also keeps a crashing model away from the gateway. The cost is IPC (typed arrays
 * travel with advanced serialization), a fraction of a model call, amortized by batching.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions, source: ModelSource): Embedder & { warmUp(): Promise<void> } {
  const pool = new Tinypool({
    filename: workerFile(),
    runtime: 'child_process',
    serialization: 'advanced',
    minThreads: options.threads,
    maxThreads: options.threads,
    idleTimeout: 0,
  })
  const run = async (texts: string[]): Promise<(Float32Array | undefined)[]> => {
    const result = (await pool.run({ source, texts } satisfies EmbedTask)) as EmbedResult
    const cut = new Set(result.truncated)
    // A vector of a text's first tokens would make texts that differ only after them look identical.
    return texts.map((_, i) => (cut.has(i) ? undefined : result.data.slice(i * result.dims, (i + 1) * result.dims)))
  }
  const batcher = new Batcher({ run, concurrency: options.threads, windowMs: options.batchWindowMs, maxBatch: options.maxBatch })
  const maxChars = options.maxChars
  return {
    embed: (text) => batcher.embed(text.length > maxChars ? text.slice(-maxChars) : text),
    stats: batcher.stats,
    async warmUp() {
      await Promise.all(Array.from({ length: options.threads }, () => pool.run({ source, texts: ['warm up'] } satisfies EmbedTask)))
    },
    close: () => pool.destroy(),
  }
}
