// The AssemblyScript examples in wasm-examples/ (built by `npm run build:wasm`) through a real
// gateway: the official OpenAI SDK in front, the mock provider or a recording OpenAI upstream behind.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { ConfigError, createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startOpenAIUpstream } from './helpers/openai-upstream.ts'
import type { OpenAIUpstream } from './helpers/openai-upstream.ts'
import { ROOT } from './helpers/cli.ts'

const wasm = (name: string) => path.join(ROOT, 'wasm-examples', name, 'build', `${name}.wasm`)
const user = (content: string) => [{ role: 'user' as const, content }]

let gateway: Gateway
let upstream: OpenAIUpstream
const logs: Record<string, unknown>[] = []

beforeAll(async () => {
  upstream = await startOpenAIUpstream()
  gateway = await createGateway(
    {
      plugins: [
        [wasm('guardrail'), { hooks: ['preRequest'], config: { terms: ['Falcon', 'Projekt Zürich'], message: 'That project is confidential' }, timeoutMs: 500 }],
        [wasm('tagger'), { config: { tags: { team: 'blue', app: 'support-bot' } }, models: ['gpt-*'], timeoutMs: 500 }],
        [wasm('system-prompt'), { config: { text: 'Answer in one sentence. Réponds brièvement.' }, models: ['gpt-4o-mini'], timeoutMs: 500 }],
        // A tag Node cannot send in a header: the plugin's answer breaks the ABI.
        [wasm('tagger'), { config: { tags: { city: '東京' } }, models: ['mock-tokyo'], timeoutMs: 500 }],
        ['@sluice/mock-provider', { models: ['mock-1', 'mock-tokyo'] }],
        ['@sluice/provider-openai', { baseURL: upstream.url, keys: [{ value: 'sk-upstream' }], models: ['gpt-4o-mini', 'gpt-4.1'] }],
      ],
    } as never,
    { logWrite: (line) => logs.push(JSON.parse(line)) },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

const sdk = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })

describe('guardrail.wasm (terms from plugin config)', () => {
  it('refuses a prompt naming a term, 403 policy_guardrail in the OpenAI shape, case-insensitively and in non-ASCII text', async () => {
    for (const prompt of ['What is the status of project FALCON?', 'Zum projekt zürich bitte']) {
      const e = (await sdk().chat.completions.create({ model: 'mock-1', messages: user(prompt) }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
      expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError)
      expect(e.type).toBe('policy_guardrail')
      expect(e.message).toContain('That project is confidential')
    }
  })

  it('looks at every text going up (system and earlier turns too), and lets clean prompts through', async () => {
    const e = (await sdk()
      .chat.completions.create({ model: 'mock-1', messages: [{ role: 'system', content: 'You help with Falcon.' }, ...user('hello')] })
      .catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
    expect(e.status).toBe(403)
    const ok = await sdk().chat.completions.create({ model: 'mock-1', messages: user('Hello there') })
    expect(ok.choices[0].message.content).toBe('Echo: Hello there')
  })

  it('refuses on the Anthropic route in the Anthropic error shape', async () => {
    const res = await fetch(`${gateway.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'x', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'mock-1', max_tokens: 50, messages: user('tell me about falcon') }),
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'permission_error', message: 'That project is confidential' } })
  })
})

describe('tagger.wasm (tags in the upstream metadata and the x-sluice-tags header)', () => {
  it('adds the configured tags and a prompt size to metadata upstream, keeping the client\'s own, and tells the client', async () => {
    const { data, response } = await sdk()
      .chat.completions.create({ model: 'gpt-4.1', messages: user('Hello'), metadata: { ticket: 'T-42' } })
      .withResponse()
    expect(data.choices[0].message.content).toBe('You said: Hello')
    expect(response.headers.get('x-sluice-tags')).toBe('team=blue,app=support-bot,prompt_size=small')
    const sent = upstream.received.at(-1)!.json
    expect(sent.metadata).toEqual({ ticket: 'T-42', team: 'blue', app: 'support-bot', prompt_size: 'small' })
  })

  it('answers a header value Node cannot send as the plugin\'s invalid output, instead of leaving the request unanswered', async () => {
    const e = (await sdk().chat.completions.create({ model: 'mock-tokyo', messages: user('Hi') }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
    expect([e.status, e.type, e.message]).toEqual([500, 'gateway_plugin_error', '500 Plugin "tagger.wasm" failed in preRequest (invalid output)'])
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'wasm plugin failed', plugin: 'tagger.wasm', detail: expect.stringContaining('x-sluice-tags must be a one-line string') }))
  })

  it('leaves models outside its `models` untouched', async () => {
    const { response } = await sdk().chat.completions.create({ model: 'mock-1', messages: user('Hi') }).withResponse()
    expect(response.headers.get('x-sluice-tags')).toBeNull()
  })
})

describe('system-prompt.wasm (a system message from plugin config)', () => {
  it('puts the system message first in what goes upstream (UTF-8 intact), plain and streamed', async () => {
    await sdk().chat.completions.create({ model: 'gpt-4o-mini', messages: user('Why is the sky blue?') })
    expect(upstream.received.at(-1)!.json.messages).toEqual([
      { role: 'system', content: 'Answer in one sentence. Réponds brièvement.' },
      { role: 'user', content: 'Why is the sky blue?' },
    ])
    const stream = await sdk().chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: user('Stream it') })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('You said: Stream it')
    const sent = upstream.received.at(-1)!.json as { messages: { role: string }[]; metadata: unknown }
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user'])
    // The tagger ran first (plugin order), on the same request.
    expect(sent.metadata).toMatchObject({ team: 'blue' })
  })
})

describe('loading WASM plugins', () => {
  const problems = async (plugins: unknown[]) => {
    const error = await createGateway({ plugins } as never, { logWrite: () => {} }).then(
      async (g) => (await g.close(), undefined),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }

  it('reports bad options as plugins[i][1].field: problem', async () => {
    const message = await problems([[wasm('guardrail'), { timeoutMs: -5, hooks: ['preRequets'], extra: true }]])
    expect(message).toMatch(/plugins\[0\]\[1\]\.timeoutMs: /)
    expect(message).toMatch(/plugins\[0\]\[1\]\.hooks\[0\]: /)
    expect(message).toMatch(/plugins\[0\]\[1\]: .*extra/)
  })

  it('reports a hook the module does not export, a missing file and a file that is not wasm', async () => {
    expect(await problems([[wasm('guardrail'), { hooks: ['response'] }]])).toMatch(/plugins\[0\]: \S*guardrail\.wasm: the module does not export "response" \(its exports: .*preRequest/)
    expect(await problems([path.join(ROOT, 'nowhere/missing.wasm')])).toMatch(/plugins\[0\]: \S*missing\.wasm: cannot read .*ENOENT/)
    const text = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-wasm-')), 'text.wasm')
    writeFileSync(text, 'not a module')
    expect(await problems([text])).toMatch(/plugins\[0\]: \S*text\.wasm: not a valid WebAssembly module/)
    // json-as reserves about 1 MiB as it starts: under a 1 MiB cap the module cannot start.
    expect(await problems([[wasm('guardrail'), { maxMemoryMb: 1, config: { terms: ['x'] } }], '@sluice/mock-provider'])).toMatch(/plugins\[0\]: \S*guardrail\.wasm: cannot start: cannot instantiate: RuntimeError: unreachable \(its start code trapped: is maxMemoryMb too small\?\)/)
  })

  it('closes its workers on shutdown and on reload, and serves from the new config after a reload', async () => {
    const g = await createGateway({ plugins: [[wasm('guardrail'), { config: { terms: ['alpha'] } }], ['@sluice/mock-provider', { models: ['mock-1'] }]] } as never, { logWrite: () => {} })
    await g.listen({ port: 0, host: '127.0.0.1' })
    const client = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'x', maxRetries: 0 })
    const status = (prompt: string) => client.chat.completions.create({ model: 'mock-1', messages: user(prompt) }).then(() => 200, (e: { status: number }) => e.status)
    expect(await status('alpha')).toBe(403)
    const before = g.pipeline.plugins[0].instance
    await g.reload({ plugins: [[wasm('guardrail'), { config: { terms: ['beta'] } }], ['@sluice/mock-provider', { models: ['mock-1'] }]] } as never)
    expect([await status('alpha'), await status('beta')]).toEqual([200, 403])
    // The replaced assembly was closed once idle: its worker answers no more (fail-closed, "crashed").
    await expect.poll(async () => (await Promise.resolve(before.preRequest && (before.preRequest as (ctx: unknown) => Promise<void>)(fakeCtx())).then(() => 'served', (e: Error) => e.message)), { timeout: 5000 }).toMatch(/crashed/)
    const after = g.pipeline.plugins[0].instance
    await g.close()
    await expect((after.preRequest as (ctx: unknown) => Promise<void>)(fakeCtx())).rejects.toThrow(/crashed/)
  })
})

/** Just enough of a request context for calling a hook directly. */
function fakeCtx() {
  return { id: 'direct', meta: {}, identity: undefined, request: { operation: 'chat', format: 'openai', path: '/v1/chat/completions', model: 'mock-1', stream: false, headers: {}, texts: () => ['alpha'], body: { model: 'mock-1', messages: user('alpha') } }, setResponseHeader() {} }
}
