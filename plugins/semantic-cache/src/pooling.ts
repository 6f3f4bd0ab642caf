/**
 * Mean pooling over the tokens the attention mask keeps, then L2 normalization: one unit vector
 * per text. Same result as transformers.js `{ pooling: 'mean', normalize: true }`, whose loops
 * convert every mask element from BigInt in the innermost loop (about 25 ms for 32 short texts,
 * against 3 ms for tokenizer and model together); here the mask is read once per token.
 *
 * @param hidden `[batch, seq, dim]` row-major
 * @param mask `[batch, seq]`, 1 for real tokens
 */
export function meanPoolNormalize(hidden: Float32Array, dims: readonly number[], mask: ArrayLike<bigint | number>): Float32Array {
  const [batch, seq, dim] = dims
  const out = new Float32Array(batch * dim)
  for (let b = 0; b < batch; b++) {
    const row = out.subarray(b * dim, (b + 1) * dim)
    let count = 0
    for (let t = 0; t < seq; t++) {
      if (Number(mask[b * seq + t]) === 0) continue
      count++
      const offset = (b * seq + t) * dim
      for (let d = 0; d < dim; d++) row[d] += hidden[offset + d]
    }
    let norm = 0
    for (let d = 0; d < dim; d++) {
      row[d] /= count || 1
      norm += row[d] * row[d]
    }
    norm = Math.sqrt(norm)
    if (norm > 0) for (let d = 0; d < dim; d++) row[d] /= norm
  }
  return out
}
