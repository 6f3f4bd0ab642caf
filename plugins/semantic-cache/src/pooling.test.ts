import { describe, expect, it } from 'vitest'
import { Tensor, mean_pooling } from '@xenova/transformers'
import { meanPoolNormalize } from './pooling.js'

describe('meanPoolNormalize', () => {
  it('matches transformers.js mean_pooling + normalize, padding ignored', () => {
    const [batch, seq, dim] = [3, 5, 7]
    const hidden = Float32Array.from({ length: batch * seq * dim }, (_, i) => Math.sin(i * 1.7) * 3)
    const mask = BigInt64Array.from([1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0].map(BigInt))
    const reference = mean_pooling(new Tensor('float32', hidden, [batch, seq, dim]), new Tensor('int64', mask, [batch, seq])).normalize(2, -1)
    const ours = meanPoolNormalize(hidden, [batch, seq, dim], mask)
    expect(ours.length).toBe(batch * dim)
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo((reference.data as Float32Array)[i], 5)
  })
})
