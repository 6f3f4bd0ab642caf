import { describe, expect, it } from 'vitest'
import type { ChatResponse } from '@sluice/sdk'
import { makeEntry } from './entry.js'
import { MemoryIndex, normalize } from './memory-index.js'
import { PartitionVectors } from './partition-vectors.js'

const response = (text: string): ChatResponse => ({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] })
const vec = (...xs: number[]) => normalize(new Float32Array(xs))

function entry(key: string, now: number, extra: { partition?: string; vector?: Float32Array; ttl?: number; text?: string } = {}) {
  return makeEntry({ key, namespace: 'anon', partition: extra.partition, vector: extra.vector, response: response(extra.text ?? key), createdAt: now, expiresAt: now + (extra.ttl ?? 1000) })
}

describe('MemoryIndex', () => {
  it('expires entries on read and on sweep (injected clock)', () => {
    let now = 0
    const index = new MemoryIndex({ maxEntries: 10, maxBytes: 1e9 }, { now: () => now })
    index.set(entry('a', now, { ttl: 100 }))
    index.set(entry('b', now, { ttl: 200, partition: 'p', vector: vec(1, 0) }))
    expect(index.get('a')?.key).toBe('a')
    now = 100
    expect(index.get('a')).toBeUndefined()
    expect(index.nearest('p', vec(1, 0))?.entry.key).toBe('b')
    now = 250
    expect(index.nearest('p', vec(1, 0))).toBeUndefined()
    index.set(entry('c', 0, { ttl: 10 }))
    expect(index.size).toBe(0)
    index.set(entry('d', now, { ttl: 10 }))
    now = 300
    expect(index.sweep()).toBe(1)
    expect(index.size).toBe(0)
    expect(index.bytes).toBe(0)
  })

  it('evicts the least recently used past maxEntries, and reports it', () => {
    const evicted: string[] = []
    const index = new MemoryIndex({ maxEntries: 2, maxBytes: 1e9 }, { now: () => 0, onEvict: (e) => evicted.push(e.key) })
    index.set(entry('a', 0))
    index.set(entry('b', 0))
    index.get('a') // a is now more recent than b
    index.set(entry('c', 0))
    expect(evicted).toEqual(['b'])
    expect(index.get('a')).toBeDefined()
    expect(index.get('b')).toBeUndefined()
    expect(index.size).toBe(2)
  })

  it('evicts past maxBytes', () => {
    const one = entry('a', 0, { text: 'x'.repeat(1000) })
    const index = new MemoryIndex({ maxEntries: 100, maxBytes: one.bytes * 2 + 10 }, { now: () => 0 })
    for (const k of ['a', 'b', 'c', 'd']) index.set(entry(k, 0, { text: 'x'.repeat(1000) }))
    expect(index.size).toBe(2)
    expect(index.bytes).toBeLessThanOrEqual(one.bytes * 2 + 10)
    expect(index.get('d')).toBeDefined()
  })

  it('never holds more than maxBytes: an answer bigger than the limit alone, or a vector attached later', () => {
    const small = entry('a', 0, { text: 'x'.repeat(1000) })
    const limit = small.bytes * 2 + 10
    const evicted: string[] = []
    const index = new MemoryIndex({ maxEntries: 100, maxBytes: limit }, { now: () => 0, onEvict: (e) => evicted.push(e.key) })
    index.set(small)
    // Keeping it would evict every other entry and still break the limit.
    index.set(entry('huge', 0, { text: 'x'.repeat(10_000) }))
    expect(index.get('huge')).toBeUndefined()
    expect(index.get('a')).toBeDefined()
    expect(index.bytes).toBeLessThanOrEqual(limit)
    // An answer stored without its vector (no-cache) gets it afterwards: the limit still holds.
    const b = entry('b', 0, { text: 'x'.repeat(1000) })
    index.set(b)
    expect(index.size).toBe(2)
    expect(index.attachVector(b, 'p', new Float32Array(64).fill(0.125))).toBe(true)
    expect(index.bytes).toBeLessThanOrEqual(limit)
    expect(evicted).toEqual(['a'])
    expect(index.nearest('p', new Float32Array(64).fill(0.125))?.entry.key).toBe('b')
  })

  it('finds the nearest vector within a partition only', () => {
    const index = new MemoryIndex({ maxEntries: 100, maxBytes: 1e9 }, { now: () => 0 })
    index.set(entry('near', 0, { partition: 'p', vector: vec(1, 0.1, 0) }))
    index.set(entry('far', 0, { partition: 'p', vector: vec(0, 1, 0) }))
    index.set(entry('other', 0, { partition: 'q', vector: vec(1, 0, 0) }))
    const hit = index.nearest('p', vec(1, 0, 0))!
    expect(hit.entry.key).toBe('near')
    expect(hit.score).toBeCloseTo(0.995, 3)
    expect(index.nearest('r', vec(1, 0, 0))).toBeUndefined()
    index.delete('near')
    index.delete('far')
    expect(index.nearest('p', vec(1, 0, 0))).toBeUndefined()
  })

  it('replacing a key keeps one entry and correct bytes', () => {
    const index = new MemoryIndex({ maxEntries: 100, maxBytes: 1e9 }, { now: () => 0 })
    const a = entry('a', 0, { partition: 'p', vector: vec(1, 0) })
    index.set(a)
    index.set(entry('a', 0, { partition: 'p', vector: vec(0, 1) }))
    expect(index.size).toBe(1)
    expect(index.bytes).toBe(a.bytes)
    expect(index.nearest('p', vec(0, 1))!.score).toBeCloseTo(1)
  })
})

describe('MemoryIndex recency', () => {
  it('does not count a semantic look that was not a hit as a use', () => {
    const evicted: string[] = []
    const index = new MemoryIndex({ maxEntries: 2, maxBytes: 1e9 }, { now: () => 0, onEvict: (e) => evicted.push(e.key) })
    index.set(entry('a', 0, { partition: 'p', vector: vec(1, 0) }))
    index.set(entry('b', 0, { partition: 'p', vector: vec(0, 1) }))
    expect(index.nearest('p', vec(1, 0.2))!.entry.key).toBe('a')
    index.set(entry('c', 0))
    expect(evicted).toEqual(['a'])
  })
})

describe('PartitionVectors', () => {
  it('keeps rows and entries in step through swap-removes and growth', () => {
    const group = new PartitionVectors()
    const entries = Array.from({ length: 40 }, (_, i) => entry(`e${i}`, 0, { vector: vec(Math.cos(i), Math.sin(i)) }))
    for (const e of entries) expect(group.add(e, e.vector!)).toBe(true)
    for (const e of entries.filter((_, i) => i % 3 === 0)) group.remove(e)
    expect(group.size).toBe(26)
    for (const [i, e] of entries.entries()) {
      const found = group.best(e.vector!, () => true)!
      if (i % 3 === 0) expect(found.entry).not.toBe(e)
      else expect(found).toEqual({ entry: e, score: expect.closeTo(1, 5) })
    }
    expect(group.add(entry('odd', 0), new Float32Array(3))).toBe(false)
    expect(group.best(new Float32Array(3), () => true)).toBeUndefined()
  })
})
