import type { ChatResponse } from '@sluice/sdk'

/** One cached answer. */
export interface CacheEntry {
  /** The exact key (hash of namespace and request). */
  key: string
  namespace: string
  /** The semantic partition (namespace + context digest), when the request had a text user turn. */
  partition?: string
  /** The normalized embedding of that user turn. */
  vector?: Float32Array
  response: ChatResponse
  /** What the original answer cost, USD: what a hit saves. */
  costUsd?: number
  /** Epoch ms. */
  createdAt: number
  expiresAt: number
  /** Approximate memory held: answer JSON plus vector. */
  bytes: number
}

/** The entry as stored in SQLite and Redis (JSON-safe). */
export interface EntryRecord {
  key: string
  namespace: string
  partition?: string
  /** Float32 little-endian, base64. */
  vector?: string
  response: string
  costUsd?: number
  createdAt: number
  expiresAt: number
}

export function makeEntry(fields: Omit<CacheEntry, 'bytes'>, responseJson = JSON.stringify(fields.response)): CacheEntry {
  return { ...fields, bytes: responseJson.length * 2 + (fields.vector?.byteLength ?? 0) + 200 }
}

export function toRecord(entry: CacheEntry): EntryRecord {
  return {
    key: entry.key,
    namespace: entry.namespace,
    partition: entry.partition,
    vector: entry.vector ? Buffer.from(entry.vector.buffer, entry.vector.byteOffset, entry.vector.byteLength).toString('base64') : undefined,
    response: JSON.stringify(entry.response),
    costUsd: entry.costUsd,
    createdAt: entry.createdAt,
    expiresAt: entry.expiresAt,
  }
}

export function fromRecord(record: EntryRecord): CacheEntry {
  let vector: Float32Array | undefined
  if (record.vector) {
    const bytes = Buffer.from(record.vector, 'base64')
    // Copy into an aligned buffer (a Buffer slice may start at any offset).
    vector = new Float32Array(bytes.byteLength / 4)
    new Uint8Array(vector.buffer).set(bytes)
  }
  return makeEntry(
    {
      key: record.key,
      namespace: record.namespace,
      partition: record.partition ?? undefined,
      vector,
      response: JSON.parse(record.response) as ChatResponse,
      costUsd: record.costUsd ?? undefined,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
    },
    record.response,
  )
}
