import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SseParser } from '@sluice/core'
import { anthropicChunks, anthropicFacts } from '@sluice/provider-anthropic'
import type { ChatChunk, SseEvent, StreamFacts } from '@sluice/sdk'

// The same Anthropic stream, cut at every byte boundary (inside multi-byte UTF-8 sequences too),
// must give the same chunks and the same accounting facts as when it arrives whole.

const fixture = (name: string) => readFileSync(new URL(`../plugins/provider-anthropic/fixtures/${name}`, import.meta.url))

function eventsOf(pieces: Uint8Array[]): SseEvent[] {
  const parser = new SseParser()
  const events: SseEvent[] = []
  for (const piece of pieces) events.push(...parser.push(piece))
  events.push(...parser.end())
  return events
}

async function chunksOf(pieces: Uint8Array[]): Promise<ChatChunk[]> {
  const events = eventsOf(pieces)
  const out: ChatChunk[] = []
  // `created` is the clock's (Anthropic sends none): leave it out of the comparison.
  for await (const chunk of anthropicChunks({ async *[Symbol.asyncIterator]() { yield* events } }, 'anthropic', 'claude')) out.push({ ...chunk, created: 0 })
  return out
}

const factsOf = (pieces: Uint8Array[]): (StreamFacts | undefined)[] => eventsOf(pieces).map((e) => anthropicFacts(e, 'anthropic'))

describe.each(['stream-multibyte.sse', 'stream-tool-use.sse', 'stream-thinking.sse'])('%s', (name) => {
  const bytes = fixture(name)

  it('gives identical chunks and facts whatever two pieces it arrives in', async () => {
    const whole = await chunksOf([bytes])
    const facts = factsOf([bytes])
    expect(whole.length).toBeGreaterThan(4)
    for (let cut = 1; cut < bytes.length; cut++) {
      const pieces = [bytes.subarray(0, cut), bytes.subarray(cut)]
      expect(await chunksOf(pieces)).toEqual(whole)
      expect(factsOf(pieces)).toEqual(facts)
    }
  })

  it('gives identical chunks when it arrives one byte at a time', async () => {
    expect(await chunksOf(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toEqual(await chunksOf([bytes]))
  })
})

it('decodes the multi-byte text and tool input intact', async () => {
  const bytes = fixture('stream-multibyte.sse')
  expect(bytes.length).toBeGreaterThan(bytes.toString('utf8').length)
  const chunks = await chunksOf([bytes])
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Bonjour, ça va ? Ünïcödé 日本語のテキスト 🌍🚀 ✓')
  const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join('')
  expect(JSON.parse(args)).toEqual({ q: 'naïve café ☕' })
  expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls')
  expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 31, completion_tokens: 26, total_tokens: 57 } })
})
