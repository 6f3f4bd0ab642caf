import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, freePort, runCli, waitHealthy } from './helpers/cli.js'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cli-'))
const file = (name: string, content: unknown) => {
  const target = path.join(dir, name)
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return target
}

let upstream: OpenAIUpstream
beforeAll(async () => {
  upstream = await startOpenAIUpstream()
})
afterAll(async () => {
  await upstream?.close()
})

const openaiConfig = (port: number) => ({
  server: { host: '127.0.0.1', port },
  plugins: [['@sluice/provider-openai', { id: 'openai', baseURL: upstream.url, keys: [{ value: '${OPENAI_API_KEY}' }], models: ['gpt-4o-mini'] }]],
})

const chat = (url: string, content: string, stream = false) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }] }) })

describe('sluice CLI', () => {
  it('validate prints "path: problem" lines and exits non-zero', async () => {
    const bad = file('bad.json', {
      server: { port: 'eighty' },
      colour: 'blue',
      plugins: [['@sluice/provider-openai', { id: 'openai', keys: [{ value: '${SLUICE_TEST_UNSET_KEY}' }], timeoutMs: -5 }], '@sluice/no-such-plugin'],
    })
    const run = runCli(['validate', '--config', bad])
    expect(await run.exit).toBe(1)
    const out = run.output()
    expect(out).toContain('plugins[0][1].keys[0].value: environment variable SLUICE_TEST_UNSET_KEY is not set')
    expect(out).toContain('server.port:')
    expect(out).toContain('unknown key "colour"')
    const second = runCli(['validate', '--config', file('bad2.json', { plugins: [['@sluice/provider-openai', { keys: [{ value: 'k' }], timeoutMs: -5 }], '@sluice/no-such-plugin'] })])
    expect(await second.exit).toBe(1)
    expect(second.output()).toContain('plugins[0][1].timeoutMs:')
    expect(second.output()).toContain('plugins[1]: cannot find package @sluice/no-such-plugin')
    expect(second.output()).not.toMatch(/\n\s+at /)
  })

  it('validate accepts a good config and exits 0', async () => {
    const run = runCli(['validate', '--config', file('good.json', openaiConfig(8080))], { OPENAI_API_KEY: 'sk-valid' })
    expect(await run.exit).toBe(0)
    expect(run.output()).toContain('valid')
  })

  it('serves the documented JSON config with the key from the environment', async () => {
    const port = await freePort()
    const config = file('serve.json', openaiConfig(port))
    const run = runCli(['serve', '--config', config], { OPENAI_API_KEY: 'sk-from-env-123456789' })
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, run)
      const res = await chat(`http://127.0.0.1:${port}`, 'via cli')
      expect(res.status).toBe(200)
      expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('You said: via cli')
      expect(upstream.received.at(-1)!.headers.authorization).toBe('Bearer sk-from-env-123456789')
      expect(run.output()).not.toContain('sk-from-env-123456789')
    } finally {
      run.child.kill('SIGTERM')
      await run.exit
    }
  })

  it('refuses a port in use loudly', async () => {
    const port = await freePort()
    const first = runCli(['serve', '--config', file('a.json', openaiConfig(port))], { OPENAI_API_KEY: 'k' })
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, first)
      const second = runCli(['serve', '--config', file('b.json', openaiConfig(port))], { OPENAI_API_KEY: 'k' })
      expect(await second.exit).toBe(1)
      expect(second.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`)
    } finally {
      first.child.kill('SIGTERM')
      await first.exit
    }
  })

  it('on SIGTERM finishes the in-flight stream, then exits 0', async () => {
    const port = await freePort()
    const run = runCli(['serve', '--config', file('drain.json', { ...openaiConfig(port), plugins: [['@sluice/mock-provider', { chunkDelayMs: 40 }]] })])
    await waitHealthy(`http://127.0.0.1:${port}`, run)
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-1', stream: true, messages: [{ role: 'user', content: 'one two three four five six seven eight' }] }),
    })
    const reader = res.body!.getReader()
    await reader.read()
    run.child.kill('SIGTERM')
    let text = ''
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value)
    expect(text).toContain(' eight')
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
    expect(await run.exit).toBe(0)
  })

  it('loads YAML and TypeScript configs', async () => {
    const port = await freePort()
    const yaml = file('sluice.config.yaml', `server:\n  host: 127.0.0.1\n  port: ${port}\nplugins:\n  - - "@sluice/mock-provider"\n    - reply: from yaml\n`)
    const y = runCli(['validate', '--config', yaml])
    expect(await y.exit).toBe(0)
    const ts = path.join(ROOT, 'test/fixtures/sluice.config.ts')
    const t = runCli(['serve', '--config', ts, '--port', String(port)])
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, t)
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mock-1', messages: [{ role: 'user', content: 'x' }] }) })
      expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('from a TypeScript config')
    } finally {
      t.child.kill('SIGTERM')
      await t.exit
    }
  })
})
