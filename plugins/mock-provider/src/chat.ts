import { sleep } from '@sluice/sdk'
import type { ChatChunk, ChatRequest, ChatResponse } from '@sluice/sdk'
import { hash, lastUserText, planReply, scriptedError, usageFor } from './reply.js'
import type { PlannedReply } from './reply.js'
import { pieces } from './tokens.js'

export interface MockTiming {
  latencyMs: number
  chunkDelayMs: number
  reply?: string
}

const CREATED = 1_700_000_000

function plan(req: ChatRequest, timing: MockTiming): PlannedReply[] {
  const error = scriptedError(lastUserText(req))
  if (error) throw error
  return Array.from({ length: req.n ?? 1 }, (_, i) => planReply(req, timing.reply, i))
}

const idFor = (req: ChatRequest) => `chatcmpl-mock-${hash(JSON.stringify(req.messages)).toString(36)}`

export async function mockChat(req: ChatRequest, model: string, timing: MockTiming, signal: AbortSignal): Promise<ChatResponse> {
  const replies = plan(req, timing)
  await sleep(timing.latencyMs, signal)
  return {
    id: idFor(req),
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: replies.map((r, index) => ({
      index,
      message: { role: 'assistant', content: r.content, ...(r.toolCalls ? { tool_calls: r.toolCalls } : {}) },
      finish_reason: r.finishReason,
    })),
    usage: usageFor(req, replies),
  }
}

/** Streams the same answer as `mockChat`, chunked the way OpenAI streams. */
export async function* mockChatStream(req: ChatRequest, model: string, timing: MockTiming, signal: AbortSignal, usage = false): AsyncGenerator<ChatChunk> {
  const replies = plan(req, timing)
  const base = { id: idFor(req), object: 'chat.completion.chunk' as const, created: CREATED, model }
  const chunk = (index: number, delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({ ...base, choices: [{ index, delta, finish_reason: finish }] })
  await sleep(timing.latencyMs, signal)
  for (const [index, reply] of replies.entries()) {
    if (reply.toolCalls) {
      yield chunk(index, { role: 'assistant', content: null })
      for (const [i, call] of reply.toolCalls.entries()) {
        yield chunk(index, { tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] })
        for (const part of splitArguments(call.function.arguments)) {
          await sleep(timing.chunkDelayMs, signal)
          yield chunk(index, { tool_calls: [{ index: i, function: { arguments: part } }] })
        }
      }
    } else {
      const parts = pieces(reply.content ?? '')
      yield chunk(index, { role: 'assistant', content: '' })
      for (const part of parts) {
        await sleep(timing.chunkDelayMs, signal)
        yield chunk(index, { content: part })
      }
    }
    yield chunk(index, {}, reply.finishReason)
  }
  if (usage || req.stream_options?.include_usage) yield { ...base, choices: [], usage: usageFor(req, replies) }
}

function splitArguments(json: string): string[] {
  const out: string[] = []
  for (let i = 0; i < json.length; i += 8) out.push(json.slice(i, i + 8))
  return out
}
