import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SseParser } from '@sluice/core'
import { geminiChunks } from '@sluice/provider-gemini'
import type { ChatChunk, SseEvent } from '@sluice/sdk'

// The same Gemini stream, cut at every byte boundary (multi-byte UTF-8 sequences included), must
// give the same chunks as when it arrives whole.

const fixture = (name: string) => readFileSync(new URL(`../plugins/provider-gemini/fixtures/${name}`, import.meta.url))

async function chunksOf(pieces: Uint8Array[]): Promise<ChatChunk[]> {
  const parser = new SseParser()
  const events: SseEvent[] = []
  for (const piece of pieces) events.push(...parser.push(piece))
  events.push(...parser.end())
  const out: ChatChunk[] = []
  const iterable = { async *[Symbol.asyncIterator]() { yield* events } }
  // `created` falls back to the clock when the upstream gives no createTime.
  for await (const chunk of geminiChunks(iterable, 'gemini', 'gemini-2.5-flash')) out.push({ ...chunk, created: 0 })
  return out
}

describe.each(['multibyte-stream.sse', 'vertex-stream.sse'])('%s', (name) => {
  const bytes = fixture(name)

  it('holds multi-byte characters, so cuts land inside them', () => {
    if (name.startsWith('multibyte')) expect(bytes.length).toBeGreaterThan(bytes.toString('utf8').length)
  })

  it('gives identical chunks whatever two pieces it arrives in', async () => {
    const whole = await chunksOf([bytes])
    expect(whole.length).toBeGreaterThan(3)
    for (let cut = 1; cut < bytes.length; cut++) expect(await chunksOf([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole)
  })

  it('gives identical chunks when it arrives one byte at a time', async () => {
    const whole = await chunksOf([bytes])
    expect(await chunksOf(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toEqual(whole)
  })
})

it('decodes the multi-byte text, function arguments and signature intact', async () => {
  const chunks = await chunksOf([fixture('multibyte-stream.sse')])
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
  expect(text).toBe('Bonjour, ça va ? Ünïcödé 日本語のテキスト 🌍🚀 ✓ Fin 🎉')
  const call = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0] as { function: { arguments: string }; extra_content?: unknown }
  expect(JSON.parse(call.function.arguments)).toEqual({ q: 'naïve café ☕' })
  expect(call.extra_content).toEqual({ google: { thought_signature: 'Q2lRQjBlMktiN1h6' } })
  expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls')
  expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 9, completion_tokens: 26, total_tokens: 35, completion_tokens_details: { reasoning_tokens: 5 } })
})
