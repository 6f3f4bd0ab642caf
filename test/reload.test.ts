import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { ConfigError, createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import { freePort, runCli, waitHealthy } from './helpers/cli.js'

const closed: string[] = []
const closer = (name: string) => definePlugin({ name, setup: () => ({ close: () => void closed.push(name) }) })
const mock = (reply: string, extra: Record<string, unknown> = {}) => ['@sluice/mock-provider', { reply, chunkDelayMs: 25, ...extra }] as [string, unknown]

let gateway: Gateway | undefined
afterAll(async () => {
  await gateway?.close()
})

async function text(client: OpenAI, model: string, stream = false): Promise<string> {
  if (!stream) return (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })).choices[0].message.content ?? ''
  let out = ''
  for await (const c of await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'x' }] })) out += c.choices[0]?.delta.content ?? ''
  return out
}

describe('config reload', () => {
  it('swaps plugins, providers and routes for new requests while in-flight ones finish on the old config', async () => {
    gateway = await createGateway({ log: { level: 'silent' }, plugins: [closer('old-plugin'), mock('one two three four five six seven eight')] })
    await gateway.listen({ port: 0, host: '127.0.0.1' })
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })
    const inflight = text(client, 'mock-1', true)
    await new Promise((r) => setTimeout(r, 60))
    await gateway.reload({
      log: { level: 'silent' },
      plugins: [closer('new-plugin'), mock('fresh'), mock('extra', { id: 'extra' })],
      routes: { smart: { targets: ['extra/mock-1'] } },
    })
    expect(await text(client, 'mock-1')).toBe('fresh')
    expect(await text(client, 'smart')).toBe('extra')
    expect(await inflight).toBe('one two three four five six seven eight')
    for (let i = 0; i < 50 && !closed.includes('old-plugin'); i++) await new Promise((r) => setTimeout(r, 10))
    expect(closed).toEqual(['old-plugin'])
  })

  it('keeps the running config when the new one is invalid', async () => {
    const client = new OpenAI({ baseURL: `${gateway!.url}/v1`, apiKey: 'x', maxRetries: 0 })
    await expect(gateway!.reload({ plugins: [['@sluice/mock-provider', { latencyMs: -1 }]] })).rejects.toBeInstanceOf(ConfigError)
    expect(await text(client, 'mock-1')).toBe('fresh')
  })

  it('reloads the config file on SIGHUP', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-reload-'))
    const file = path.join(dir, 'sluice.config.json')
    const port = await freePort()
    const config = (reply: string) => JSON.stringify({ server: { host: '127.0.0.1', port }, plugins: [['@sluice/mock-provider', { reply }]] })
    writeFileSync(file, config('before'))
    const run = runCli(['serve', '--config', file])
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, run)
      const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 })
      expect(await text(client, 'mock-1')).toBe('before')
      writeFileSync(file, config('after'))
      run.child.kill('SIGHUP')
      let answer = ''
      for (let i = 0; i < 100 && answer !== 'after'; i++) {
        await new Promise((r) => setTimeout(r, 50))
        answer = await text(client, 'mock-1')
      }
      expect(answer).toBe('after')
      expect(run.output()).toContain('config reloaded')
    } finally {
      run.child.kill('SIGTERM')
      await run.exit
    }
  })
})
