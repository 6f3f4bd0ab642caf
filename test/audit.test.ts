import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway, resolveConfig } from '@sluice/core'
import { GatewayError, definePlugin } from '@sluice/sdk'
import { CLI } from './helpers/cli.js'

const deny = definePlugin({
  name: 'deny-secret-project',
  setup: (_o, { audit }) => {
    audit({ type: 'plugin.started', actor: 'deny-secret-project' })
    return {
      policy(ctx) {
        ctx.authenticate({ id: 'vk-7' })
        if (ctx.request.texts().some((t) => t.includes('falcon'))) throw new GatewayError(403, 'policy_forbidden', 'no')
      },
    }
  },
})

describe('audit log through the gateway', () => {
  it('records refusals and plugin events, and `sluice audit verify` checks the chain', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-audit-'))
    const gateway = await createGateway(resolveConfig({ log: { level: 'silent' }, dataDir: './state', plugins: [deny, ['@sluice/mock-provider', {}]] }, path.join(dir, 'sluice.config.json'), dir))
    await gateway.listen({ port: 0, host: '127.0.0.1' })
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })
    await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'hello' }] })
    await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'project falcon' }] }).catch(() => {})
    await gateway.close()
    const file = path.join(dir, 'state', 'audit.jsonl')
    const entries = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(entries.map((e) => e.type)).toEqual(['plugin.started', 'policy.refusal'])
    expect(entries[1]).toMatchObject({ actor: 'vk-7', target: 'mock-1', details: { status: 403, errorType: 'policy_forbidden' } })
    expect(execFileSync(process.execPath, [CLI, 'audit', 'verify', '--file', file], { encoding: 'utf8' })).toContain('2 entries, chain intact')
    writeFileSync(file, readFileSync(file, 'utf8').replace('"vk-7"', '"vk-8"'))
    let out = ''
    try {
      execFileSync(process.execPath, [CLI, 'audit', 'verify', '--file', file], { encoding: 'utf8' })
    } catch (error) {
      out = String((error as { stdout?: string }).stdout)
    }
    expect(out).toContain('chain BROKEN')
    expect(out).toContain('line 2: content does not match its hash (edited)')
  })
})
