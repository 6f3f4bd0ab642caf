import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import type { MessageHeaders } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { assembleChatResponse } from '@sluice/sdk'
import type { ChatChunk } from '@sluice/sdk'
import { converseChunks } from './stream.js'
import { fromConverse } from './response.js'

const codec = new EventStreamCodec(toUtf8, fromUtf8)
const str = (value: string) => ({ type: 'string' as const, value })

function frame(headers: MessageHeaders, payload: unknown): Uint8Array {
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) })
}
const event = (type: string, payload: unknown) => frame({ ':event-type': str(type), ':content-type': str('application/json'), ':message-type': str('event') }, payload)
const exception = (type: string, payload: unknown) => frame({ ':exception-type': str(type), ':content-type': str('application/json'), ':message-type': str('exception') }, payload)

const fixture = JSON.parse(readFileSync(new URL('../fixtures/converse-stream-tool.json', import.meta.url), 'utf8')) as { event: string; payload: unknown }[]
const toolStream = Buffer.concat(fixture.map((e) => event(e.event, e.payload)))

async function* pieces(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
}

async function collect(bytes: AsyncIterable<Uint8Array>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const chunk of converseChunks(bytes, 'bedrock', 'anthropic.claude-3-5-sonnet')) out.push(chunk)
  return out
}

/** Chunks without the per-stream id and clock, to compare two runs. */
const stable = (chunks: ChatChunk[]) => chunks.map(({ id: _id, created: _created, ...rest }) => rest)

describe('ConverseStream frames → chunks', () => {
  it('maps the events: role first, text, tool start with id and name, argument fragments, finish, usage', async () => {
    const chunks = await collect(pieces(toolStream))
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: "I'll look up the most popular song on WZPZ — un café ☕ pour 東京 🎵." },
      { tool_calls: [{ index: 0, id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"sign": "W' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ZPZ"}' } }] },
      {},
      null,
    ])
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls')
    expect(chunks.at(-1)).toMatchObject({ object: 'chat.completion.chunk', model: 'anthropic.claude-3-5-sonnet', choices: [], usage: { prompt_tokens: 375, completion_tokens: 52, total_tokens: 427 } })
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
  })

  it('gives the same answer streamed as unstreamed', async () => {
    const streamed = assembleChatResponse(await collect(pieces(toolStream)))
    const plain = fromConverse(
      { output: { message: { role: 'assistant', content: [{ text: "I'll look up the most popular song on WZPZ — un café ☕ pour 東京 🎵." }, { toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', input: { sign: 'WZPZ' } } }] } }, stopReason: 'tool_use', usage: { inputTokens: 375, outputTokens: 52 } },
      'bedrock',
      'm',
    )
    expect(streamed.choices[0].message.content).toBe(plain.choices[0].message.content)
    expect(streamed.choices[0].finish_reason).toBe(plain.choices[0].finish_reason)
    expect(streamed.choices[0].message.tool_calls!.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual(plain.choices[0].message.tool_calls!.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]))
    expect(streamed.usage).toEqual(plain.usage)
  })

  it('gives identical chunks however the bytes are cut: at every byte boundary, and byte by byte', async () => {
    const whole = stable(await collect(pieces(toolStream)))
    // Every cut lands somewhere: inside a prelude, a header, a payload, a multi-byte UTF-8 character.
    for (let at = 1; at < toolStream.length; at++) {
      const cut = stable(await collect(pieces(toolStream.subarray(0, at), toolStream.subarray(at))))
      expect(cut, `cut at byte ${at}`).toEqual(whole)
    }
    const bytes = Array.from({ length: toolStream.length }, (_, i) => toolStream.subarray(i, i + 1))
    expect(stable(await collect(pieces(...bytes)))).toEqual(whole)
  })

  it('keeps a multi-byte character whole when a read splits it', async () => {
    const bytes = Buffer.concat([event('messageStart', { role: 'assistant' }), event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: '👋' } }), event('messageStop', { stopReason: 'end_turn' })])
    // Two bytes of the four-byte emoji in each read.
    const offset = bytes.indexOf(Buffer.from('👋'))
    const chunks = await collect(pieces(bytes.subarray(0, offset + 2), bytes.subarray(offset + 2)))
    expect(chunks[1].choices[0].delta.content).toBe('👋')
  })

  it('maps reasoning deltas and cache usage', async () => {
    const chunks = await collect(
      pieces(
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Thinking…' } } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'c2ln' } } }),
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Paris.' } }),
        event('messageStop', { stopReason: 'max_tokens' }),
        event('metadata', { usage: { inputTokens: 4, outputTokens: 9, cacheReadInputTokens: 1062, cacheWriteInputTokens: 10 } }),
      ),
    )
    expect(chunks[1].choices[0].delta).toEqual({ reasoning_content: 'Thinking…' })
    expect(chunks[2].choices[0].delta).toEqual({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'c2ln' }] })
    expect(chunks[4].choices[0].finish_reason).toBe('length')
    expect(chunks[5].usage).toEqual({ prompt_tokens: 1076, completion_tokens: 9, total_tokens: 1085, prompt_tokens_details: { cached_tokens: 1062, cache_creation_tokens: 10 } })
  })

  it('raises exception frames as gateway errors, mapped by their type', async () => {
    const start = event('messageStart', { role: 'assistant' })
    const throttled = collect(pieces(start, exception('throttlingException', { message: 'Too many tokens, please wait before trying again.' })))
    await expect(throttled).rejects.toMatchObject({ status: 429, type: 'provider_rate_limited', message: expect.stringContaining('mid-stream') })
    const broken = collect(pieces(start, exception('modelStreamErrorException', { message: 'boom', originalStatusCode: 500, originalMessage: 'model crashed' })))
    await expect(broken).rejects.toMatchObject({ status: 502, type: 'provider_error', code: 'ModelStreamErrorException' })
    const invalid = collect(pieces(exception('validationException', { message: 'Malformed input request' })))
    await expect(invalid).rejects.toMatchObject({ status: 400, type: 'provider_bad_request' })
    const unmodeled = collect(pieces(frame({ ':message-type': str('error'), ':error-code': str('InternalFailure'), ':error-message': str('An internal error occurred.') }, {})))
    await expect(unmodeled).rejects.toMatchObject({ status: 502, type: 'provider_error', message: expect.stringContaining('An internal error occurred.') })
  })

  it('treats a stream cut short, a corrupt frame and a missing messageStop as failures', async () => {
    await expect(collect(pieces(toolStream.subarray(0, toolStream.length - 5)))).rejects.toMatchObject({ status: 502, message: expect.stringContaining('in the middle of an event') })
    const corrupt = Buffer.from(toolStream)
    corrupt[20] ^= 0xff
    await expect(collect(pieces(corrupt))).rejects.toMatchObject({ status: 502, type: 'provider_invalid_response' })
    await expect(collect(pieces(event('messageStart', { role: 'assistant' }), event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } })))).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('before the answer was complete'),
    })
  })
})
