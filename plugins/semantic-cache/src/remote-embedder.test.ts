import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteEmbedder } from './remote-embedder.js'

const requests: { auth?: string; body: { model: string; input: string[]; dimensions?: number } }[] = []
const server = createServer((req, res) => {
  let raw = ''
  req.on('data', (d: Buffer) => (raw += d))
  req.on('end', () => {
    const body = JSON.parse(raw) as { model: string; input: string[] }
    requests.push({ auth: req.headers.authorization, body })
    if (body.input.includes('fail')) {
      res.writeHead(500, { 'content-type': 'application/json' })
      return res.end('{"error":{"message":"bad key sk-secret"}}')
    }
    const input = body.input.includes('short') ? body.input.slice(1) : body.input
    res.writeHead(200, { 'content-type': 'application/json' })
    // Unnormalized vectors, listed in reverse order with their index (as the API allows).
    res.end(JSON.stringify({ object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: [t.length, 1, 0] })).reverse() }))
  })
})
let url = ''
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const options = { model: 'embed-small', apiKey: 'sk-emb', timeoutMs: 2000, concurrency: 2, maxBatch: 64, batchWindowMs: 0, maxChars: 2000 }

describe('remote embedder (OpenAI-compatible /embeddings)', () => {
  it('sends concurrent texts in one request, with the key, and returns unit vectors in order', async () => {
    requests.length = 0
    const embedder = createRemoteEmbedder({ ...options, url, dimensions: 3 })
    const [a, b] = await Promise.all([embedder.embed('abc'), embedder.embed('abcdefgh')])
    expect(requests).toHaveLength(1)
    expect(requests[0]).toEqual({ auth: 'Bearer sk-emb', body: { model: 'embed-small', input: ['abc', 'abcdefgh'], dimensions: 3 } })
    expect(Array.from(a!)).toEqual([3 / Math.hypot(3, 1), 1 / Math.hypot(3, 1), 0].map((x) => Math.fround(x)))
    expect(b![0]).toBeCloseTo(8 / Math.hypot(8, 1), 6)
  })

  it('fails without echoing the service’s body, and on a short answer', async () => {
    const embedder = createRemoteEmbedder({ ...options, url })
    const error = (await embedder.embed('fail').catch((e: Error) => e)) as Error
    expect(error.message).toBe('embedding service answered 500')
    await expect(embedder.embed('short')).rejects.toThrow('returned 0 vectors for 1 texts')
  })
})
