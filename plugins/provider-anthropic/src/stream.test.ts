import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assembleChatResponse } from '@sluice/sdk'
import type { ChatChunk, SseEvent } from '@sluice/sdk'
import { anthropicChunks, anthropicFacts } from './stream.js'

/** A fixture's events, split the simple way (the byte-cut test in test/ uses core's parser). */
const fixtureEvents = (name: string): SseEvent[] =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n')
      return { event: eventLine.slice('event: '.length), data: dataLine.slice('data: '.length), raw: `${block}\n\n` }
    })

const iterable = (events: SseEvent[]): AsyncIterable<SseEvent> => ({ async *[Symbol.asyncIterator]() { yield* events } })

async function chunksOf(name: string): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const chunk of anthropicChunks(iterable(fixtureEvents(name)), 'anthropic', 'claude')) out.push(chunk)
  return out
}

describe('Anthropic SSE → chunks', () => {
  it('streams text: role first, deltas, the finish reason, then usage alone', async () => {
    const chunks = await chunksOf('stream-text.sse')
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: '!' }, {}, undefined])
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, null, null, 'stop', null])
    expect(chunks.every((c) => c.id === 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY' && c.model === 'claude-opus-4-6')).toBe(true)
    // message_delta carries only output_tokens here: the input count of message_start stands.
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 } })
  })

  it('streams a tool call: id and name first, then argument fragments', async () => {
    const chunks = await chunksOf('stream-tool-use.sse')
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } })
    expect(calls.slice(1).every((c) => c.index === 0 && c.id === undefined)).toBe(true)
    const done = assembleChatResponse(chunks)
    expect(done.choices[0].message.content).toBe("Okay, let's check the weather for San Francisco, CA:")
    expect(JSON.parse(done.choices[0].message.tool_calls![0].function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' })
    expect(done.choices[0].finish_reason).toBe('tool_calls')
    expect(done.usage).toEqual({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 })
  })

  it('streams thinking as reasoning_content and hands on the signature', async () => {
    const chunks = await chunksOf('stream-thinking.sse')
    const done = assembleChatResponse(chunks)
    expect(done.choices[0].message.reasoning_content).toContain('So GCD(1071, 462) = 21')
    expect(done.choices[0].message.content).toBe('The greatest common divisor of 1071 and 462 is **21**.')
    const signed = chunks.flatMap((c) => (c.choices[0]?.delta as { thinking_blocks?: unknown[] } | undefined)?.thinking_blocks ?? [])
    expect(signed).toEqual([{ type: 'thinking', thinking: '', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...' }])
    expect(done.usage).toEqual({ prompt_tokens: 1066, completion_tokens: 171, total_tokens: 1237, prompt_tokens_details: { cached_tokens: 1024 } })
  })

  it('throws the error event as a GatewayError', async () => {
    await expect(chunksOf('stream-error.sse')).rejects.toMatchObject({ status: 503, type: 'provider_unavailable', code: 'overloaded_error', message: 'Provider "anthropic" failed mid-stream: Overloaded' })
  })

  it('refuses a stream that ends before message_stop', async () => {
    const cut = fixtureEvents('stream-text.sse').slice(0, 4)
    const run = async () => {
      for await (const _ of anthropicChunks(iterable(cut), 'anthropic', 'claude'));
    }
    await expect(run()).rejects.toMatchObject({ status: 502, type: 'provider_error' })
  })
})

describe('Anthropic stream facts (same-format fast path)', () => {
  const factsOf = (name: string) => fixtureEvents(name).map((e) => anthropicFacts(e, 'anthropic')).filter(Boolean)

  it('reads usage, the stop reason and the end without building chunks', () => {
    expect(factsOf('stream-thinking.sse')).toEqual([
      { usage: { prompt_tokens: 1066, completion_tokens: 3, total_tokens: 1069, prompt_tokens_details: { cached_tokens: 1024 } } },
      { finishReason: 'stop', usage: { prompt_tokens: 1066, completion_tokens: 171, total_tokens: 1237, prompt_tokens_details: { cached_tokens: 1024 } } },
      { done: true },
    ])
  })

  it('leaves message_start usage standing when message_delta has no input count', () => {
    expect(factsOf('stream-tool-use.sse')).toEqual([{ usage: { prompt_tokens: 472, completion_tokens: 2, total_tokens: 474 } }, { finishReason: 'tool_calls' }, { done: true }])
  })

  it('reports an error event', () => {
    expect(factsOf('stream-error.sse').at(-1)).toMatchObject({ error: { status: 503, type: 'provider_unavailable' } })
  })
})
