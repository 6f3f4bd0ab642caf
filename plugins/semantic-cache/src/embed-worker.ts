// A tinypool worker: runs a sentence-embedding model with transformers.js (ONNX Runtime), off the
// gateway's event loop. One model per worker, loaded on the first task and kept.
import { env, pipeline } from '@xenova/transformers'

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
}

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>

let loaded: { id: string; extractor: Promise<Extractor> } | undefined

function load(source: ModelSource): Promise<Extractor> {
  const id = JSON.stringify(source)
  if (loaded?.id === id) return loaded.extractor
  env.allowRemoteModels = source.allowRemoteModels
  env.allowLocalModels = true
  if (source.localModelPath) env.localModelPath = source.localModelPath
  env.cacheDir = source.cacheDir
  const extractor = pipeline('feature-extraction', source.model, { quantized: source.quantized }) as unknown as Promise<Extractor>
  loaded = { id, extractor }
  // A failed load is retried by the next task, not cached forever.
  extractor.catch(() => {
    if (loaded?.extractor === extractor) loaded = undefined
  })
  return extractor
}

export default async function embed(task: EmbedTask): Promise<EmbedResult> {
  const extractor = await load(task.source)
  if (task.texts.length === 0) return { dims: 0, data: new Float32Array(0) }
  const output = await extractor(task.texts, { pooling: 'mean', normalize: true })
  return { dims: output.dims[output.dims.length - 1], data: output.data }
}
