import { z } from 'zod'
import { GatewayError } from '@sluice/sdk'
import type { ChatRequest, EmbeddingRequest } from '@sluice/sdk'
import { formatPath } from '../../config/errors.js'

// Loose schemas: they check what the gateway itself relies on and keep every other field, so
// new upstream parameters pass through without a gateway release.
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], {
    error: 'must be one of system, developer, user, assistant, tool',
  }),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string({ error: 'content parts need a `type`' }) })), z.null()]).optional(),
})

const tool = z.looseObject({
  type: z.string(),
  function: z.looseObject({ name: z.string({ error: 'a function tool needs a `name`' }).min(1) }).optional(),
})

const chatSchema = z.looseObject({
  model: z.string({ error: '`model` is required and must be a string' }).min(1, '`model` must not be empty'),
  messages: z.array(message, { error: '`messages` is required and must be an array' }).min(1, '`messages` must not be empty'),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).optional(),
  n: z.number().int().min(1).max(128).nullish(),
  max_tokens: z.number().int().min(0).nullish(),
  max_completion_tokens: z.number().int().min(0).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
})

const embeddingSchema = z.looseObject({
  model: z.string({ error: '`model` is required and must be a string' }).min(1, '`model` must not be empty'),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)], {
    error: '`input` must be a string, an array of strings, or token arrays',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
})

function check<T>(schema: z.ZodType, value: unknown): T {
  const parsed = schema.safeParse(value)
  // The original object is kept (the schemas have no transforms): key order survives.
  if (parsed.success) return value as T
  const issue = parsed.error.issues[0]
  const param = formatPath(issue.path)
  // Messages that already name their field (`model` …) need no path in front.
  const message = param === '(root)' || issue.message.includes('`') ? issue.message : `${param}: ${issue.message}`
  throw new GatewayError(400, 'caller_invalid_request', message, {
    param: param === '(root)' ? null : param,
  })
}

export const parseChatRequest = (value: unknown): ChatRequest => check<ChatRequest>(chatSchema, value)
export const parseEmbeddingRequest = (value: unknown): EmbeddingRequest => check<EmbeddingRequest>(embeddingSchema, value)
