import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { testPlugin } from '@sluice/sdk/testing'
import governance from './index.js'

const SECRET = 'sk-from-a-vault-0123456789abcdef'
const sha = (s: string) => createHash('sha256').update(s).digest('hex')
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] }

describe('@sluice/governance with the SDK test kit', () => {
  it('a declared key may be given by its hash only', async () => {
    const t = await testPlugin(governance, { store: 'memory:', keys: [{ id: 'vault', name: 'vault', keyHash: `sha256:${sha(SECRET)}` }] })
    expect((await t.request(body, { headers: { authorization: `Bearer ${SECRET}` } })).status).toBe(200)
    const wrong = await t.request(body, { headers: { authorization: 'Bearer sk-other' } })
    expect(wrong.status).toBe(401)
    expect(wrong.error?.message).not.toContain('sk-other')
    await t.close()
  })

  it('authenticates the caller with key, team and customer for the plugins after it', async () => {
    const t = await testPlugin(governance, {
      store: 'memory:',
      customers: [{ id: 'acme' }],
      teams: [{ id: 'web', customer: 'acme' }],
      keys: [{ id: 'k1', name: 'site', key: SECRET, team: 'web' }],
    })
    const r = await t.request(body, { headers: { 'x-sluice-key': SECRET } })
    expect(r.ctx.identity).toMatchObject({ id: 'k1', name: 'site', team: 'web', customer: 'acme', by: '@sluice/governance' })
    await t.close()
  })

  it('rejects bad options with the field named', async () => {
    expect(() => governance.options!.parse({ keys: [{ id: 'x', name: 'x' }] })).toThrow(/exactly one of `key` and `keyHash`/)
    expect(() => governance.options!.parse({ teams: [{ id: 't', budgets: [{ limitUsd: 1, period: 'fortnight' }] }] })).toThrow(/period/)
    expect(() => governance.options!.parse({ adminTokens: [{ token: 'short' }] })).toThrow(/16 characters/)
  })

  it('will not start with a short admin token from the environment', async () => {
    const saved = process.env.SLUICE_ADMIN_TOKEN
    process.env.SLUICE_ADMIN_TOKEN = 'admin'
    try {
      await expect(testPlugin(governance, { store: 'memory:' })).rejects.toThrow(/SLUICE_ADMIN_TOKEN is too short/)
    } finally {
      if (saved === undefined) delete process.env.SLUICE_ADMIN_TOKEN
      else process.env.SLUICE_ADMIN_TOKEN = saved
    }
  })

  it('will not start when a declared key or team names a team or customer that does not exist (its budgets would silently not apply)', async () => {
    await expect(testPlugin(governance, { store: 'memory:', keys: [{ id: 'k', name: 'k', key: SECRET, team: 'serach' }] })).rejects.toThrow(/keys\.k: team "serach" does not exist/)
    await expect(testPlugin(governance, { store: 'memory:', teams: [{ id: 't', customer: 'acme' }] })).rejects.toThrow(/teams\.t: customer "acme" does not exist/)
    await expect(testPlugin(governance, { store: 'memory:', keys: [{ id: 'k', name: 'k', key: SECRET, customer: 'nobody' }] })).rejects.toThrow(/keys\.k: customer "nobody"/)
  })

  it('lets keyless requests through ungoverned when requireKey is off', async () => {
    const t = await testPlugin(governance, { store: 'memory:', requireKey: false })
    const r = await t.request(body)
    expect(r.status).toBe(200)
    expect(r.ctx.identity).toBeUndefined()
    await t.close()
  })
})
