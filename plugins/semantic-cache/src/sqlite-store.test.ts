import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EntryRecord } from './entry.ts'
import { SqliteEntryStore } from './sqlite-store.ts'

const record = (key: string, expiresAt = Date.now() + 60_000): EntryRecord => ({ key, namespace: 'ns', response: '{}', createdAt: Date.now(), expiresAt })
const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('SqliteEntryStore', () => {
  it('writes behind, keeps entries across a reopen, and ignores writes after close', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-cache-store-')), 'cache.db')
    const errors: unknown[] = []
    const store = new SqliteEntryStore(file, (error) => errors.push(error))
    store.put(record('a'))
    store.put(record('b'))
    store.delete('b')
    await tick()
    store.close()
    // A request that outlived a reload: no write, no error.
    store.put(record('late'))
    store.delete('a')
    store.close()
    await tick()
    expect(errors).toEqual([])
    const reopened = new SqliteEntryStore(file)
    expect(reopened.load(Date.now(), 10).map((r) => r.key)).toEqual(['a'])
    reopened.close()
  })
})
