import { describe, expect, it } from 'vitest'
import type { VirtualKey } from './model.js'
import { Registry } from './registry.js'
import type { DefinitionStore } from './store/definitions.js'

/** A store that another node writes to, counting the lookups this node makes. */
function sharedStore() {
  const keys = new Map<string, VirtualKey>()
  let onChange: ((kind: 'key', id: string) => void) | undefined
  const store: DefinitionStore & { lookups: number; addFromElsewhere(key: VirtualKey): void } = {
    lookups: 0,
    loadAll: async () => ({ keys: [...keys.values()], teams: [], customers: [] }),
    put: async () => {},
    remove: async () => {},
    keyByHash: async (hash) => (store.lookups++, [...keys.values()].find((k) => k.hash === hash)),
    get: async (_kind, id) => keys.get(id) as never,
    watch: async (change) => void (onChange = change as never),
    close: async () => {},
    addFromElsewhere(key) {
      keys.set(key.id, key)
      onChange?.('key', key.id)
    },
  }
  return store
}

const key = (id: string, hash: string) => ({ id, name: id, hash, hint: '…', models: [], providers: [], providerKeys: [], budgets: [], rateLimits: [], active: true, metadata: {} }) as unknown as VirtualKey

describe('Registry', () => {
  it('asks the store once per unknown key and window, and serves a key announced later at once', async () => {
    const store = sharedStore()
    const registry = new Registry(store, { keys: [], teams: [], customers: [] })
    await registry.start()
    for (let i = 0; i < 50; i++) expect(await registry.keyByHash('made-up')).toBeUndefined()
    expect(store.lookups).toBe(1)
    // Made on another node a moment after this node was asked for it: the announcement clears it.
    store.addFromElsewhere(key('k1', 'made-up'))
    await expect.poll(() => registry.keyByHashNow('made-up')?.id).toBe('k1')
    expect((await registry.keyByHash('made-up'))?.id).toBe('k1')
  })
})
