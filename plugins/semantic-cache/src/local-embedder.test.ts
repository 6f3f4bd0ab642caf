import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { makeFixtureModel } from '../fixture/make-model.mjs'
import { createLocalEmbedder, modelIdentity, modelSource } from './local-embedder.js'
import { localEmbedderSchema } from './options.js'

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0)

// The fixture model through the real code path: transformers.js pipeline('feature-extraction')
// (tokenizer.json, ONNX Runtime, mean pooling, normalize) in a tinypool worker thread.
describe('local embedder (fixture model, worker thread)', () => {
  const modelDir = makeFixtureModel()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-embed-'))
  const options = localEmbedderSchema.parse({ model: modelDir, threads: 1 })
  const source = modelSource(options, '/', dataDir)
  const embedder = createLocalEmbedder(options, source)
  beforeAll(() => embedder.warmUp())
  afterAll(() => embedder.close())
  const whole = async (text: string) => {
    const vector = await embedder.embed(text)
    if (!vector) throw new Error(`not embedded whole: ${text}`)
    return vector
  }

  it('reads a folder locally, never from the hub', () => {
    expect(source).toMatchObject({ model: 'sluice-tiny-embedder', localModelPath: path.dirname(modelDir), allowRemoteModels: false })
    expect(modelSource({ ...options, model: 'Xenova/all-MiniLM-L6-v2' }, '/etc', dataDir)).toMatchObject({ model: 'Xenova/all-MiniLM-L6-v2', allowRemoteModels: true, cacheDir: path.join(dataDir, 'models') })
  })

  it('names a folder model by what it holds, so another model put in its place never meets its vectors', () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-model-')), path.basename(modelDir))
    cpSync(modelDir, copy, { recursive: true })
    const copied = modelSource({ ...options, model: copy }, '/', dataDir)
    expect(modelIdentity(copied)).toBe(modelIdentity(source))
    expect(modelIdentity({ ...source, quantized: !source.quantized })).not.toBe(modelIdentity(source))
    writeFileSync(path.join(copy, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 128, swapped: true }))
    expect(modelIdentity(copied)).not.toBe(modelIdentity(source))
    expect(modelIdentity(modelSource({ ...options, model: 'Xenova/all-MiniLM-L6-v2' }, '/etc', dataDir))).toBe(`Xenova/all-MiniLM-L6-v2#${options.quantized ? 'q' : 'f'}`)
  })

  it('scores paraphrases high and unrelated questions low, with unit vectors', async () => {
    const [a, b, c, d] = await Promise.all(['What is the capital of France?', "what's France's capital city?", 'How do I cook pasta?', 'What is the capital of Germany?'].map(whole))
    expect(a.length).toBe(128)
    expect(dot(a, a)).toBeCloseTo(1, 4)
    expect(dot(a, b)).toBeGreaterThan(0.95)
    expect(dot(a, c)).toBeLessThan(0.3)
    expect(dot(a, d)).toBeLessThan(0.6)
  })

  it('batches concurrent texts into few model calls, each text getting its own vector', async () => {
    const before = { ...embedder.stats }
    const texts = Array.from({ length: 40 }, (_, i) => `question number ${i} about ${i % 2 ? 'pasta' : 'the weather'}`)
    const vectors = await Promise.all(texts.map(whole))
    expect(embedder.stats.texts - before.texts).toBe(40)
    expect(embedder.stats.batches - before.batches).toBeLessThanOrEqual(3)
    const alone = await whole(texts[7])
    expect(dot(alone, vectors[7])).toBeCloseTo(1, 4)
    expect(dot(vectors[0], vectors[1])).toBeLessThan(0.9)
  })

  it('gives no vector for a text longer than the model takes, and still one for the others of its batch', async () => {
    // 600 tokens; the fixture model takes 512. Its first 512 alone would stand for it.
    const [long, short] = await Promise.all([embedder.embed(`${'a '.repeat(600)}What is the capital of France?`), embedder.embed('What is the capital of France?')])
    expect(long).toBeUndefined()
    expect(short?.length).toBe(128)
  })

  it('fails clearly when the model is missing', async () => {
    const missing = createLocalEmbedder(options, { ...source, model: 'no-such-model' })
    await expect(missing.warmUp()).rejects.toThrow()
    await missing.close()
  })
})
