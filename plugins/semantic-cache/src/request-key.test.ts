import { describe, expect, it } from 'vitest'
import type { ChatRequest } from '@sluice/sdk'
import { canonicalJson, exactKey, namespaceOf, semanticQuery } from './request-key.js'

const base: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
  temperature: 0,
}

describe('exact key', () => {
  it('ignores delivery fields and key order', () => {
    const k = exactKey('anon', base)
    expect(exactKey('anon', { ...base, stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { a: 'b' } })).toBe(k)
    expect(exactKey('anon', { temperature: 0, messages: base.messages, model: 'gpt-4o-mini' })).toBe(k)
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}')
  })

  it('changes with every field that changes the answer, and with the namespace', () => {
    const k = exactKey('anon', base)
    const variants: Partial<ChatRequest>[] = [
      { model: 'gpt-4o' },
      { temperature: 0.5 },
      { top_p: 0.9 },
      { seed: 7 },
      { n: 2 },
      { stop: ['\n'] },
      { max_tokens: 10 },
      { response_format: { type: 'json_object' } },
      { tools: [{ type: 'function', function: { name: 'f' } }] },
      { tool_choice: 'required' },
      { messages: [...base.messages, { role: 'user', content: 'more' }] },
    ]
    const keys = new Set([k, ...variants.map((v) => exactKey('anon', { ...base, ...v }))])
    expect(keys.size).toBe(variants.length + 1)
    expect(exactKey('key:vk-1', base)).not.toBe(k)
  })
})

describe('namespace', () => {
  it('is the key id, or the team with namespaceBy team, narrowed by the client header', () => {
    const red = { id: 'vk-1', team: 'red' }
    expect(namespaceOf(red, 'team', undefined)).toBe(namespaceOf({ id: 'vk-2', team: 'red' }, 'team', undefined))
    expect(namespaceOf(red, 'key', undefined)).not.toBe(namespaceOf({ id: 'vk-2', team: 'red' }, 'key', undefined))
    // A caller without a team falls back to its key, which no team name can spell.
    expect(namespaceOf({ id: 'red' }, 'team', undefined)).not.toBe(namespaceOf(red, 'team', undefined))
    expect(namespaceOf(red, 'key', 'proj-a')).not.toBe(namespaceOf(red, 'key', undefined))
    expect(namespaceOf(undefined, 'key', 'proj-a')).not.toBe(namespaceOf(undefined, 'key', undefined))
  })

  it('cannot be spelled by another tenant with separators in an id or the header', () => {
    const seen = new Set([
      namespaceOf(undefined, 'key', undefined),
      namespaceOf(undefined, 'key', 'key:vk-1'),
      namespaceOf({ id: 'vk-1' }, 'key', undefined),
      namespaceOf({ id: 'vk-1' }, 'key', 'x'),
      namespaceOf({ id: 'vk-1|ns:x' }, 'key', undefined),
      namespaceOf({ id: 'anon' }, 'key', undefined),
      namespaceOf({ id: 'vk-1', team: 'x' }, 'team', undefined),
      namespaceOf({ id: 'vk-1', by: 'sso' }, 'key', undefined),
      namespaceOf({ id: 'vk-1', by: 'governance' }, 'key', undefined),
    ])
    expect(seen.size).toBe(9)
  })
})

describe('semantic query', () => {
  it('embeds the last user turn; the partition ignores its text but not its context', () => {
    const q = semanticQuery('anon', base)!
    expect(q.text).toBe('What is the capital of France?')
    const paraphrase = semanticQuery('anon', { ...base, messages: [base.messages[0], { role: 'user', content: "what's France's capital city?" }] })!
    expect(paraphrase.partition).toBe(q.partition)
    expect(semanticQuery('anon', { ...base, messages: [{ role: 'system', content: 'You are verbose.' }, base.messages[1]] })!.partition).not.toBe(q.partition)
    expect(semanticQuery('key:vk-1', base)!.partition).not.toBe(q.partition)
    expect(semanticQuery('anon', { ...base, temperature: 0.2 })!.partition).not.toBe(q.partition)
    expect(semanticQuery('anon', base, 'other-model')!.partition).not.toBe(q.partition)
    const earlier = semanticQuery('anon', { ...base, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, base.messages[1]] })!
    expect(earlier.partition).not.toBe(q.partition)
  })

  it('joins text parts, and skips turns with images or no text', () => {
    expect(semanticQuery('anon', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] })!.text).toBe('a\nb')
    expect(semanticQuery('anon', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] })).toBeUndefined()
    expect(semanticQuery('anon', { model: 'm', messages: [{ role: 'system', content: 'x' }] })).toBeUndefined()
    expect(semanticQuery('anon', { model: 'm', messages: [{ role: 'user', content: '  ' }] })).toBeUndefined()
  })
})
