import { describe, expect, it } from 'vitest'
import { GatewayError } from '../errors.js'
import type { PluginInstance } from '../plugin.js'
import type { ChatChunk, ChatRequest, ChatResponse } from '../types/openai.js'
import { RequestContext } from './context.js'
import { Pipeline, validatePluginInstance } from './pipeline.js'
import type { LoadedPlugin } from './pipeline.js'

const body = (): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
const ctxFor = (b: ChatRequest = body()) => new RequestContext({ id: 'r1', operation: 'chat', format: 'openai', path: '/v1/chat/completions', headers: {}, body: b })
const plugin = (name: string, instance: PluginInstance, failOpen = false): LoadedPlugin => ({ name, failOpen, instance })
const response: ChatResponse = { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }
const chunk = (content: string): ChatChunk => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })

describe('Pipeline', () => {
  it('rejects unknown hook names at load', () => {
    expect(() => new Pipeline([plugin('bad', { preRequets: () => {} } as never)])).toThrow(/unknown hook "preRequets"/)
    expect(() => new Pipeline([plugin('bad', { response: { chunks: () => {} } } as never)])).toThrow(/unknown response hook "chunks"/)
  })

  it('checks the routes a plugin serves', () => {
    const handler = () => new Response('ok')
    expect(() => new Pipeline([plugin('r', { routes: [{ method: 'GET', path: '/metrics', handler }] })])).not.toThrow()
    expect(() => new Pipeline([plugin('r', { routes: [{ method: 'FETCH', path: '/x', handler }] } as never)])).toThrow(/each route needs a method/)
    expect(() => new Pipeline([plugin('r', { routes: [{ method: 'GET', path: 'metrics', handler }] })])).toThrow(/starting with/)
  })

  it('runs stages in order, plugins in order, and honours pre/post', async () => {
    const calls: string[] = []
    const p = new Pipeline([
      plugin('a', { preRequest: () => void calls.push('a.preRequest'), policy: () => void calls.push('a.policy') }),
      plugin('b', { preAuth: () => void calls.push('b.preAuth'), preRequest: { order: 'pre', handler: () => void calls.push('b.preRequest') } }),
      plugin('c', { preRequest: { order: 'post', handler: () => void calls.push('c.preRequest') }, policy: () => void calls.push('c.policy') }),
    ])
    await p.runPre(ctxFor(), p.newPass())
    expect(calls).toEqual(['b.preAuth', 'a.policy', 'c.policy', 'b.preRequest', 'a.preRequest', 'c.preRequest'])
  })

  it('lets the first policy hook that authenticates win', async () => {
    const p = new Pipeline([
      plugin('first', { policy: (ctx) => void ctx.authenticate({ id: 'vk-1' }) }),
      plugin('second', { policy: (ctx) => void expect(ctx.authenticate({ id: 'vk-2' })).toBe(false) }),
    ])
    const ctx = ctxFor()
    await p.runPre(ctx, p.newPass())
    expect(ctx.identity?.id).toBe('vk-1')
  })

  it('short-circuits: later pre-hooks do not run, and only entered plugins see the response (onion)', async () => {
    const seen: string[] = []
    const p = new Pipeline([
      plugin('guard', { preRequest: () => void seen.push('guard.pre'), response: { complete: () => void seen.push('guard.response') } }),
      plugin('cache', { preRequest: (ctx) => ctx.respond(response), response: () => void seen.push('cache.response') }),
      plugin('after', { preRequest: () => void seen.push('after.pre'), response: () => void seen.push('after.response') }),
    ])
    const ctx = ctxFor()
    const pass = p.newPass()
    await p.runPre(ctx, pass)
    expect(ctx.shortCircuit).toBe(response)
    await p.runComplete(ctx, p.responseEntries(pass), response, false)
    expect(seen).toEqual(['guard.pre', 'cache.response', 'guard.response'])
  })

  it('runs response hooks in reverse plugin order and lets complete replace a non-stream answer', async () => {
    const order: string[] = []
    const p = new Pipeline([
      plugin('outer', { response: (_ctx, r) => void order.push(`outer saw ${(r as ChatResponse).choices[0].message.content}`) }),
      plugin('inner', { response: (_ctx, r) => (order.push('inner'), { ...(r as ChatResponse), choices: [{ ...response.choices[0], message: { role: 'assistant', content: 'changed' } }] }) }),
    ])
    const out = await p.runComplete(ctxFor(), p.responseEntries({ reached: 1, ran: new Set() }), response, false)
    expect(order).toEqual(['inner', 'outer saw changed'])
    expect(out.changed).toBe(true)
  })

  it('fails closed on a plugin error, and fails open when the plugin says so', async () => {
    const boom = () => {
      throw new Error('database down')
    }
    const closed = new Pipeline([plugin('strict', { policy: boom })])
    const error = await closed.runPre(ctxFor(), closed.newPass()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toMatchObject({ status: 500, type: 'gateway_plugin_error' })
    expect((error as Error).message).not.toContain('database down')
    expect(closed.stats.pluginErrors.get('strict:policy')).toBe(1)

    const open = new Pipeline([plugin('lenient', { policy: boom }, true)])
    await expect(open.runPre(ctxFor(), open.newPass())).resolves.toBeUndefined()
    expect(open.stats.pluginErrors.get('lenient:policy')).toBe(1)
  })

  it('passes a GatewayError refusal through unchanged', async () => {
    const p = new Pipeline([plugin('deny', { policy: () => { throw new GatewayError(403, 'policy_forbidden', 'no') } })])
    await expect(p.runPre(ctxFor(), p.newPass())).rejects.toMatchObject({ status: 403, type: 'policy_forbidden' })
  })

  it('transforms, holds back and flushes stream chunks', async () => {
    let held = ''
    const p = new Pipeline([
      plugin('upper', { response: { chunk: (_ctx, c) => ({ ...c, choices: [{ ...c.choices[0], delta: { content: c.choices[0].delta.content?.toUpperCase() } }] }) } }),
      plugin('hold', {
        response: {
          chunk: (_ctx, c) => {
            held += c.choices[0].delta.content
            return null
          },
          flush: () => [chunk(held)],
        },
      }),
    ])
    const ctx = ctxFor()
    const entries = p.responseEntries({ reached: 1, ran: new Set() })
    expect((await p.runChunk(ctx, entries, chunk('ab'))).chunks).toEqual([])
    expect((await p.runChunk(ctx, entries, chunk('cd'))).chunks).toEqual([])
    const flushed = await p.runFlush(ctx, entries)
    expect(flushed.map((c) => c.choices[0].delta.content)).toEqual(['ABCD'])
  })

  it('gives each complete hook of a stream the stream as it reached that plugin, as for a JSON answer', async () => {
    const got: Record<string, string> = {}
    const keep = (name: string) => (_ctx: unknown, r: ChatResponse | { data: unknown }) => void (got[name] = String((r as ChatResponse).choices[0].message.content))
    let held = ''
    const p = new Pipeline([
      // An output guardrail: rewrites what the client gets.
      plugin('guard', { response: { chunk: (_ctx, c) => ({ ...c, choices: [{ ...c.choices[0], delta: { content: c.choices[0].delta.content?.toUpperCase() } }] }), complete: keep('guard') } }),
      // A cache listed after it keeps the upstream's answer, so a new guard policy applies to it.
      plugin('cache', { response: { complete: keep('cache') } }),
      plugin('hold', {
        response: {
          chunk: (_ctx, c) => {
            held += c.choices[0].delta.content
            return null
          },
          flush: () => [chunk(held)],
        },
      }),
    ])
    const ctx = ctxFor()
    const entries = p.responseEntries({ reached: 2, ran: new Set() })
    const seen = new Map()
    const sent: ChatChunk[] = []
    for (const c of [chunk('ab'), chunk('cd')]) sent.push(...(await p.runChunk(ctx, entries, c, seen)).chunks)
    sent.push(...(await p.runFlush(ctx, entries, seen)))
    await p.runStreamComplete(ctx, entries, sent, seen)
    expect(got).toEqual({ cache: 'abcd', guard: 'abcd' })
    expect(sent.map((c) => c.choices[0].delta.content).join('')).toBe('ABCD')
  })

  it('after a stream is sent, a complete hook that throws (an invalid header) does not fail it nor skip the hooks after it', async () => {
    const stored: string[] = []
    const p = new Pipeline([
      // Listed first: its complete hook runs last (reverse order).
      plugin('cache', { response: { complete: (_ctx, r) => void stored.push(String((r as ChatResponse).choices[0].message.content)) } }),
      plugin('headers', { response: { complete: (ctx) => ctx.setResponseHeader('x-bad', 'a\r\nb') } }),
      plugin('refuses', { response: { complete: () => { throw new GatewayError(403, 'policy_guardrail', 'too late') } } }),
    ])
    const ctx = ctxFor()
    const entries = p.responseEntries({ reached: 3, ran: new Set() })
    await expect(p.runStreamComplete(ctx, entries, [chunk('ab'), chunk('cd')])).resolves.toBeUndefined()
    expect(stored).toEqual(['abcd'])
    expect(p.stats.pluginErrors.get('headers:response')).toBe(1)
  })

  it('reports unchanged chunks as unchanged (so bytes can pass through)', async () => {
    const p = new Pipeline([plugin('reader', { response: { chunk: () => undefined } })])
    const out = await p.runChunk(ctxFor(), p.responseEntries({ reached: 0, ran: new Set() }), chunk('x'))
    expect(out.changed).toBe(false)
  })

  it('runs postLog detached and in parallel, counting errors instead of throwing', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const logged: string[] = []
    const p = new Pipeline([
      plugin('slow', { postLog: async (_ctx, rec) => { await gate; logged.push(`slow ${rec.id}`) } }),
      plugin('fast', { postLog: (_ctx, rec) => void logged.push(`fast ${rec.id}`) }),
      plugin('broken', { postLog: () => { throw new Error('disk full') } }),
    ])
    const done = p.runPostLog(ctxFor(), { id: 'r1' } as never)
    await Promise.resolve()
    expect(logged).toEqual(['fast r1'])
    release()
    await done
    expect(logged).toEqual(['fast r1', 'slow r1'])
    expect(p.stats.postLogErrors.get('broken')).toBe(1)
  })

  it('starts postLog hooks ordered post once the others have settled, so they see what those reported', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const seen: string[][] = []
    const p = new Pipeline([
      plugin('metrics', { postLog: { order: 'post', handler: (ctx) => void seen.push([...(ctx.meta.pluginFailures ?? []).map((f) => f.kind)]) } }),
      plugin('late-reporter', { postLog: async (ctx) => { await gate; (ctx.meta.pluginFailures ??= []).push({ plugin: 'w', hook: 'postLog', kind: 'trap', failOpen: false }) } }),
      plugin('broken', { postLog: () => { throw new Error('disk full') } }),
    ])
    const done = p.runPostLog(ctxFor(), { id: 'r1' } as never)
    await Promise.resolve()
    expect(seen).toEqual([])
    release()
    await done
    expect(seen).toEqual([['trap']])
  })

  it('drains pending postLog work on close, then closes plugins in reverse order', async () => {
    const events: string[] = []
    const p = new Pipeline([
      plugin('a', { postLog: async () => { await new Promise((r) => setTimeout(r, 20)); events.push('logged') }, close: () => void events.push('close a') }),
      plugin('b', { close: () => void events.push('close b') }),
    ])
    void p.runPostLog(ctxFor(), { id: 'r' } as never)
    await p.close()
    expect(events).toEqual(['logged', 'close b', 'close a'])
  })
})

describe('RequestContext', () => {
  it('finds the credential however the client sends it', () => {
    const at = (headers: Record<string, string>, path = '/v1/chat/completions', format = 'openai') => new RequestContext({ id: 'r', operation: 'chat', format, path, headers, body: body() })
    expect(at({ authorization: 'Bearer sk-vk-1' }).request.credential()).toBe('sk-vk-1')
    expect(at({ 'x-api-key': 'sk-ant-style' }).request.credential()).toBe('sk-ant-style')
    expect(at({ 'x-goog-api-key': 'goog' }).request.credential()).toBe('goog')
    expect(at({ 'x-sluice-key': 'sl' }).request.credential()).toBe('sl')
    expect(at({}, '/genai/v1beta/models/m:generateContent?alt=sse&key=qk', 'gemini').request.credential()).toBe('qk')
    // Only Google's clients put the key in the URL.
    expect(at({}, '/v1/chat/completions?key=qk').request.credential()).toBeUndefined()
    expect(at({}, '/genai/v1beta/models/m:generateContent?alt=sse&key=qk').request.path).toBe('/genai/v1beta/models/m:generateContent')
    expect(at({ authorization: 'Basic abc' }).request.credential()).toBeUndefined()
  })


  it('notices a body edited in place or replaced', () => {
    const untouched = ctxFor()
    expect(untouched.request.isModified()).toBe(false)
    const read = ctxFor()
    void read.request.body.messages.length
    expect(read.request.isModified()).toBe(false)
    const edited = ctxFor()
    edited.request.body.messages.push({ role: 'user', content: 'more' })
    expect(edited.request.isModified()).toBe(true)
    const replaced = ctxFor()
    replaced.request.body = body()
    expect(replaced.request.isModified()).toBe(true)
  })

  it('collects every text that goes up', () => {
    const ctx = ctxFor({
      model: 'm',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'part' }, { type: 'image_url', image_url: { url: 'data:x' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"q":"args"}' } }] },
        { role: 'tool', tool_call_id: 't', content: 'result' },
      ],
    })
    expect(ctx.request.texts()).toEqual(['sys', 'part', '{"q":"args"}', 'result'])
  })
})

describe('validatePluginInstance', () => {
  it('refuses a provider whose chat adapter cannot stream at all', () => {
    const chat = { request: () => ({ path: '/x', body: {} }), response: () => ({}) }
    expect(() => validatePluginInstance('p', { providers: [{ id: 'half', chat }] })).toThrow(/provider "half" has a chat adapter without stream or streamBytes/)
    expect(() => validatePluginInstance('p', { providers: [{ id: 'bytes', chat: { ...chat, streamBytes: () => [] } }] })).not.toThrow()
  })
})
