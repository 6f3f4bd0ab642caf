import { z } from 'zod'
import { defineProvider, providerOptionsSchema } from '@sluice/sdk'
import { mockChat, mockChatStream } from './chat.js'
import { mockEmbeddings } from './embeddings.js'
import { scriptedError } from './reply.js'

export const optionsSchema = providerOptionsSchema
  .extend({
    models: z.array(z.string().min(1)).default(['mock-1', 'mock-embed']),
    /** Time before the first byte, ms. */
    latencyMs: z.number().int().nonnegative().default(0),
    /** Time between stream chunks, ms. */
    chunkDelayMs: z.number().int().nonnegative().default(0),
    /** A fixed answer instead of echoing the last user message. */
    reply: z.string().optional(),
  })
  .strict()

/**
 * A deterministic in-process provider for demos, tests and benchmarks: echoes the last user
 * message (`Echo: …`), calls the first offered tool when asked ("tool" in the message, or a
 * forced tool_choice), streams like OpenAI, embeds to stable unit vectors, and fails on demand
 * (`mock:error:<status>` in the message).
 *
 * @example
 * { "plugins": [["@sluice/mock-provider", { "chunkDelayMs": 20 }]] }
 */
export default defineProvider({
  name: '@sluice/mock-provider',
  options: optionsSchema,
  create(o) {
    const timing = { latencyMs: o.latencyMs, chunkDelayMs: o.chunkDelayMs, reply: o.reply }
    return {
      id: o.id ?? 'mock',
      kind: 'mock',
      wireFormat: 'mock',
      baseURL: 'mock://local',
      keys: o.keys,
      models: o.models,
      headers: o.headers,
      timeoutMs: o.timeoutMs,
      maxConcurrent: o.maxConcurrent,
      auth: () => ({}),
      local: {
        chat: (req, call, signal) => (req.stream ? mockChatStream(req, call.model, timing, signal, call.usage) : mockChat(req, call.model, timing, signal)),
        embeddings: async (req, call) => {
          const error = scriptedError(typeof req.input === 'string' ? req.input : '')
          if (error) throw error
          return mockEmbeddings(req, call.model)
        },
      },
      error: (info) => scriptedError(`mock:error:${info.status}`)!,
    }
  },
})

export { vectorFor } from './embeddings.js'
