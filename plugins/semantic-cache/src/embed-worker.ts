// A tinypool worker: runs a sentence-embedding model with transformers.js (ONNX Runtime), off the
// gateway's event loop. One model per worker, loaded on the first task and kept. transformers.js
// is imported on the first task, so a failure to load it rejects that task instead of killing
// the worker.
import { meanPoolNormalize } from './pooling.js'

/** Where the model comes from: a hub id (cached under `cacheDir`) or a folder of local models. */
export interface ModelSource {
  model: string
  localModelPath?: string
  allowRemoteModels: boolean
  cacheDir: string
  quantized: boolean
}

export interface EmbedTask {
  source: ModelSource
  texts: string[]
}

/** Row-major vectors: `data.length === texts.length * dims`, each row of unit length. */
export interface EmbedResult {
  dims: number
  data: Float32Array
  /** Indexes of the texts cut to the model's token limit: their rows stand for a part of them only. */
  truncated: number[]
}

// As a child process: leave with the gateway, even when it was killed without closing the pool.
if (process.send) process.once('disconnect', () => process.exit(0))

interface TensorLike<T> {
  data: T
  dims: number[]
}

/** The parts of transformers.js' FeatureExtractionPipeline used here. */
interface Extractor {
  tokenizer: ((texts: string[], options: { padding: boolean; truncation: boolean }) => { attention_mask: TensorLike<BigInt64Array> } & Record<string, unknown>) & { model_max_length?: number }
  model(inputs: Record<string, unknown>): Promise<Record<string, TensorLike<Float32Array> | undefined>>
}

let loaded: { id: string; extractor: Promise<Extractor> } | undefined

function load(source: ModelSource): Promise<Extractor> {
  const id = JSON.stringify(source)
  if (loaded?.id === id) return loaded.extractor
  const extractor = open(source)
  loaded = { id, extractor }
  // A failed load is retried by the next task, not cached forever.
  extractor.catch(() => {
    if (loaded?.extractor === extractor) loaded = undefined
  })
  return extractor
}

async function open(source: ModelSource): Promise<Extractor> {
  const { env, pipeline } = await import('@xenova/transformers')
  env.allowRemoteModels = source.allowRemoteModels
  env.allowLocalModels = true
  if (source.localModelPath) env.localModelPath = source.localModelPath
  env.cacheDir = source.cacheDir
  return (await pipeline('feature-extraction', source.model, { quantized: source.quantized })) as unknown as Extractor
}

export default async function embed(task: EmbedTask): Promise<EmbedResult> {
  const extractor = await load(task.source)
  if (task.texts.length === 0) return { dims: 0, data: new Float32Array(0), truncated: [] }
  // What the pipeline does for { pooling: 'mean', normalize: true }, with a faster pooling.
  const inputs = extractor.tokenizer(task.texts, { padding: true, truncation: true })
  const outputs = await extractor.model(inputs)
  const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? outputs.logits
  if (!hidden || hidden.dims.length !== 3) throw new Error('the model has no [batch, tokens, dim] output (last_hidden_state)')
  return { dims: hidden.dims[2], data: meanPoolNormalize(hidden.data, hidden.dims, inputs.attention_mask.data), truncated: truncatedRows(inputs.attention_mask, extractor.tokenizer.model_max_length) }
}

/** Rows as long as the model takes were (or may have been) cut: the end of their text is not in the vector. */
function truncatedRows(mask: TensorLike<BigInt64Array>, limit: number | undefined): number[] {
  const [batch, seq] = mask.dims
  if (!limit || seq < limit) return []
  const rows: number[] = []
  for (let b = 0; b < batch; b++) {
    let tokens = 0
    for (let t = 0; t < seq; t++) tokens += Number(mask.data[b * seq + t])
    if (tokens >= limit) rows.push(b)
  }
  return rows
}
