import OpenAI from 'openai'
import { makeFixtureModel } from '../../plugins/semantic-cache/fixture/make-model.mjs'

/** The generated tiny embedding model (deterministic; rewritten only when its bytes change). */
export const FIXTURE_MODEL = makeFixtureModel()

export interface Asked {
  text: string
  cache: string | null
  score: number | undefined
  usage: OpenAI.CompletionUsage | undefined
  id: string
}

/** One chat question through the OpenAI SDK; the answer text and the cache headers. */
export async function ask(client: OpenAI, content: string, options: { model?: string; system?: string; headers?: Record<string, string>; body?: Record<string, unknown> } = {}): Promise<Asked> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [...(options.system ? [{ role: 'system' as const, content: options.system }] : []), { role: 'user', content }]
  const { data, response } = await client.chat.completions
    .create({ model: options.model ?? 'gpt-4o-mini', messages, ...options.body } as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers: options.headers })
    .withResponse()
  const score = response.headers.get('x-sluice-cache-score')
  return { text: data.choices[0].message.content ?? '', cache: response.headers.get('x-sluice-cache'), score: score === null ? undefined : Number(score), usage: data.usage, id: data.id }
}

/** The same through a stream: text joined from the deltas, usage when sent. */
export async function askStream(client: OpenAI, content: string, options: { model?: string; includeUsage?: boolean; headers?: Record<string, string> } = {}): Promise<Asked & { chunks: number }> {
  const { data: stream, response } = await client.chat.completions
    .create(
      { model: options.model ?? 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }], ...(options.includeUsage ? { stream_options: { include_usage: true } } : {}) },
      { headers: options.headers },
    )
    .withResponse()
  let text = ''
  let usage: OpenAI.CompletionUsage | undefined
  let id = ''
  let chunks = 0
  for await (const chunk of stream) {
    chunks++
    id ||= chunk.id
    text += chunk.choices[0]?.delta.content ?? ''
    if (chunk.usage) usage = chunk.usage
  }
  const score = response.headers.get('x-sluice-cache-score')
  return { text, cache: response.headers.get('x-sluice-cache'), score: score === null ? undefined : Number(score), usage, id, chunks }
}
