import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SseParser } from '@sluice/core'
import { cohereChunks } from '@sluice/provider-cohere'
import type { ChatChunk, SseEvent } from '@sluice/sdk'

// The same Cohere v2 stream, cut at every byte boundary (multi-byte UTF-8 sequences included), must
// give the same chunks as when it arrives whole.

const fixture = (name: string) => readFileSync(new URL(`../plugins/provider-cohere/fixtures/${name}`, import.meta.url))

async function chunksOf(pieces: Uint8Array[]): Promise<ChatChunk[]> {
  const parser = new SseParser()
  const events: SseEvent[] = []
  for (const piece of pieces) events.push(...parser.push(piece))
  events.push(...parser.end())
  const out: ChatChunk[] = []
  const iterable = { async *[Symbol.asyncIterator]() { yield* events } }
  for await (const chunk of cohereChunks(iterable, 'cohere', 'command-a-03-2025')) out.push({ ...chunk, created: 0 })
  return out
}

describe.each(['stream-text.sse', 'stream-tool.sse'])('%s', (name) => {
  const bytes = fixture(name)

  it('gives identical chunks whatever two pieces it arrives in', async () => {
    const whole = await chunksOf([bytes])
    expect(whole.length).toBeGreaterThan(3)
    for (let cut = 1; cut < bytes.length; cut++) expect(await chunksOf([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual(whole)
  })

  it('gives identical chunks when it arrives one byte at a time', async () => {
    const whole = await chunksOf([bytes])
    expect(await chunksOf(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toEqual(whole)
  })
})

it('decodes multi-byte text intact, with usage last', async () => {
  const bytes = fixture('stream-text.sse')
  expect(bytes.length).toBeGreaterThan(bytes.toString('utf8').length)
  const chunks = await chunksOf([bytes])
  expect(chunks[0]).toMatchObject({ id: 'chatcmpl-e8f9afc1-0888-46f0-a9ed-eb0e5a51e17f', choices: [{ delta: { role: 'assistant', content: '' } }] })
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('It is currently 24°C in Madrid and 28°C in Brasília — 晴れ ☀️.')
  expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop')
  expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1061, completion_tokens: 59, total_tokens: 1120, prompt_tokens_details: { cached_tokens: 512 } } })
})

it('assembles the two parallel tool calls of the published example, the plan as reasoning', async () => {
  const chunks = await chunksOf([fixture('stream-tool.sse')])
  const reasoning = chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('')
  expect(reasoning).toBe('I will search for the weather in Madrid and Brasilia.')
  const calls = new Map<number, { id?: string; name?: string; args: string }>()
  for (const delta of chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])) {
    const call = calls.get(delta.index) ?? { args: '' }
    call.id ??= delta.id
    call.name ??= delta.function?.name
    call.args += delta.function?.arguments ?? ''
    calls.set(delta.index, call)
  }
  expect([...calls.values()].map((c) => [c.id, c.name, JSON.parse(c.args)])).toEqual([
    ['get_weather_p1t92w7gfgq7', 'get_weather', { location: 'Madrid' }],
    ['get_weather_ay6nmvjgp9vn', 'get_weather', { location: 'Brasilia' }],
  ])
  expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls')
})
