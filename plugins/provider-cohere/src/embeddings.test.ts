import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { CallInfo } from '@sluice/sdk'
import { cohereEmbeddings, embedBody, fromCohereEmbed } from './embeddings.js'

const fixture = JSON.parse(readFileSync(new URL('../fixtures/embed.json', import.meta.url), 'utf8'))

describe('embeddings', () => {
  it('maps the request: texts, input type (option or request), float type, dimensions, `cohere` fields', () => {
    expect(embedBody({ model: 'x', input: 'hello' }, 'cohere', 'embed-v4.0', 'search_document')).toEqual({ model: 'embed-v4.0', texts: ['hello'], input_type: 'search_document', embedding_types: ['float'] })
    expect(embedBody({ model: 'x', input: ['a', 'b'], input_type: 'classification', dimensions: 256, cohere: { truncate: 'END' } }, 'cohere', 'embed-v4.0', 'search_query')).toEqual({
      model: 'embed-v4.0',
      texts: ['a', 'b'],
      input_type: 'classification',
      embedding_types: ['float'],
      output_dimension: 256,
      truncate: 'END',
    })
    expect(() => embedBody({ model: 'x', input: [[1, 2]] }, 'cohere', 'm', 'search_document')).toThrow(expect.objectContaining({ type: 'provider_unsupported', param: 'input' }))
    expect(() => embedBody({ model: 'x', input: 'a', input_type: 'image' }, 'cohere', 'm', 'search_document')).toThrow(expect.objectContaining({ param: 'input_type' }))
    expect(() => embedBody({ model: 'x', input: 'a', extra: 1 }, 'cohere', 'm', 'search_document')).toThrow(expect.objectContaining({ param: 'extra' }))
  })

  it('maps the published answer, as floats or as OpenAI base64', () => {
    const floats = fromCohereEmbed(fixture, 'cohere', 'embed-v4.0', 'float')
    expect(floats).toEqual({
      object: 'list',
      model: 'embed-v4.0',
      data: [
        { object: 'embedding', index: 0, embedding: [0.016296387, -0.008354187, -0.04699707] },
        { object: 'embedding', index: 1, embedding: [-0.012939453, 0.006500244, 0.035705566] },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    })
    const adapter = cohereEmbeddings('cohere', 'search_document')
    const call: CallInfo = { model: 'embed-v4.0', key: 'k', stream: false, usage: true }
    adapter.request({ model: 'embed-v4.0', input: ['hello', 'goodbye'], encoding_format: 'base64' }, call)
    const encoded = adapter.response(fixture, call).data[0].embedding as string
    const decoded = Array.from(new Float32Array(Uint8Array.from(Buffer.from(encoded, 'base64')).buffer))
    decoded.forEach((v, i) => expect(v).toBeCloseTo(fixture.embeddings.float[0][i], 6))
    // The older embeddings_floats shape.
    expect(fromCohereEmbed({ embeddings: [[1, 2]], meta: { billed_units: { input_tokens: 1 } } }, 'cohere', 'm', 'float').data[0].embedding).toEqual([1, 2])
    expect(() => fromCohereEmbed({ embeddings: { int8: [[1]] } }, 'cohere', 'm', 'float')).toThrow(expect.objectContaining({ type: 'provider_invalid_response' }))
  })
})
