import { describe, expect, it } from 'vitest'
import { checkModifiedRequest, checkModifiedResponse } from './modified.ts'

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] }

describe('a plugin\'s modify, checked against the request served', () => {
  it('keeps a chat request a valid chat request and an embeddings request an embeddings request', () => {
    expect(checkModifiedRequest('chat', false, chat)).toBeUndefined()
    expect(checkModifiedRequest('chat', false, { model: 'm', input: 'x' })).toMatch(/not a valid chat request \(`messages` is required/)
    expect(checkModifiedRequest('chat', false, { model: 'm', messages: [42] })).toMatch(/messages\[0\]/)
    expect(checkModifiedRequest('embeddings', false, { model: 'm', input: ['a'] })).toBeUndefined()
    expect(checkModifiedRequest('embeddings', false, chat)).toMatch(/not a valid embeddings request/)
  })

  it('may not turn a stream into a plain answer or back', () => {
    expect(checkModifiedRequest('chat', true, { ...chat, stream: true })).toBeUndefined()
    expect(checkModifiedRequest('chat', true, chat)).toMatch(/may not change "stream" \(it was true\)/)
    expect(checkModifiedRequest('chat', false, { ...chat, stream: true })).toMatch(/may not change "stream"/)
  })

  it('keeps an answer in the shape the front doors encode', () => {
    expect(checkModifiedResponse('chat', { choices: [{ index: 0, message: { role: 'assistant', content: 'x' } }] })).toBeUndefined()
    expect(checkModifiedResponse('chat', { choices: [null] })).toMatch(/"message" object/)
    expect(checkModifiedResponse('chat', { choices: [] })).toMatch(/"choices"/)
    expect(checkModifiedResponse('chat', { data: [] })).toMatch(/"choices"/)
    expect(checkModifiedResponse('embeddings', { data: [{ index: 0, embedding: [0.1] }] })).toBeUndefined()
    expect(checkModifiedResponse('embeddings', { data: [{ index: 0 }] })).toMatch(/"embedding"/)
  })
})
