// The admin API's edges: references between keys, teams and customers, PATCH that removes a
// field, body size; and where a key may (not) be presented.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'

const ADMIN = 'admin-token-0123456789abcdef'
let gateway: Gateway

beforeAll(async () => {
  gateway = await createGateway(
    {
      log: { level: 'silent' },
      audit: { enabled: false },
      plugins: [[governance, { store: 'memory:', adminTokens: [{ token: ADMIN }] }], ['@sluice/mock-provider', { models: ['mock-1'] }]],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
})

async function admin(method: string, route: string, body?: unknown) {
  const res = await fetch(`${gateway.url}/admin/v1/${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

describe('references', () => {
  it('will not delete a team or customer that keys or teams still belong to (their budgets would silently stop applying)', async () => {
    expect((await admin('POST', 'customers', { id: 'del-c', budgets: [{ limitUsd: 1, period: 'day' }] })).status).toBe(201)
    expect((await admin('POST', 'teams', { id: 'del-t', customer: 'del-c', budgets: [{ limitUsd: 1, period: 'day' }] })).status).toBe(201)
    const key = (await admin('POST', 'virtual-keys', { name: 'member', team: 'del-t' })).body as { id: string }

    const team = await admin('DELETE', 'teams/del-t')
    expect(team.status).toBe(409)
    expect(team.body.error.message).toContain(key.id)
    expect((await admin('GET', 'teams/del-t')).status).toBe(200)
    const customer = await admin('DELETE', 'customers/del-c')
    expect(customer.status).toBe(409)
    expect(customer.body.error.message).toContain('del-t')

    expect((await admin('DELETE', `virtual-keys/${key.id}`)).status).toBe(200)
    expect((await admin('DELETE', 'teams/del-t')).status).toBe(200)
    expect((await admin('DELETE', 'customers/del-c')).status).toBe(200)
  })
})

describe('PATCH', () => {
  it('removes an optional field given as null, and still refuses fields that are not the caller\'s to set', async () => {
    expect((await admin('POST', 'teams', { id: 'patch-t' })).status).toBe(201)
    const made = (await admin('POST', 'virtual-keys', { name: 'patched', team: 'patch-t', expiresAt: '2030-01-01T00:00:00Z' })).body as { id: string }
    const patched = await admin('PATCH', `virtual-keys/${made.id}`, { team: null, expiresAt: null })
    expect(patched.status).toBe(200)
    expect(patched.body.team).toBeUndefined()
    expect(patched.body.expiresAt).toBeUndefined()
    expect((await admin('GET', `virtual-keys/${made.id}`)).body.team).toBeUndefined()
    // A required field cannot be removed; the secret and its hash cannot be set.
    expect((await admin('PATCH', `virtual-keys/${made.id}`, { name: null })).status).toBe(400)
    expect((await admin('PATCH', `virtual-keys/${made.id}`, { hash: '0'.repeat(64) })).status).toBe(400)
    expect((await admin('PATCH', `virtual-keys/${made.id}`, { key: 'sk-sluice-chosen-by-caller-000000' })).status).toBe(400)
    expect((await admin('PATCH', `virtual-keys/${made.id}`, { team: 'no-such-team' })).status).toBe(400)
  })
})

describe('bodies', () => {
  it('refuses an admin body over 1 MiB with 413, without storing anything', async () => {
    const before = (await admin('GET', 'customers')).body.data.length
    const huge = JSON.stringify({ id: 'huge', metadata: { blob: 'x'.repeat(2 * 1024 * 1024) } })
    const r = await admin('POST', 'customers', huge)
    expect(r.status).toBe(413)
    expect(r.body.error.type).toBe('caller_invalid_request')
    expect((await admin('GET', 'customers')).body.data.length).toBe(before)
  })
})

describe('where a key may be sent', () => {
  it('takes ?key= on the Gemini routes only: on OpenAI and Anthropic routes a key in the URL (which proxies and access logs keep) is not accepted', async () => {
    const { key } = (await admin('POST', 'virtual-keys', { name: 'in-query' })).body as { key: string }
    const chat = JSON.stringify({ model: 'mock-1', messages: [{ role: 'user', content: 'hi' }] })
    const post = (path: string, body: string) => fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect((await post(`/v1/chat/completions?key=${key}`, chat)).status).toBe(401)
    expect((await post(`/anthropic/v1/messages?key=${key}`, JSON.stringify({ model: 'mock-1', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).status).toBe(401)
    expect((await fetch(`${gateway.url}/v1/models?key=${key}`)).status).toBe(401)
    const gemini = await post(`/genai/v1beta/models/mock-1:generateContent?key=${key}`, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }))
    expect(gemini.status).toBe(200)
    expect((await fetch(`${gateway.url}/genai/v1beta/models?key=${key}`)).status).toBe(200)
    // The same key in a header works on every route.
    expect((await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 }).models.list()).data.length).toBeGreaterThan(0)
  })
})
