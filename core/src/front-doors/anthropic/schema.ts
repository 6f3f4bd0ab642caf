import { z } from 'zod'
import { GatewayError } from '@sluice/sdk'

// Loose schemas: they check what the front door relies on, in Anthropic's words ("Field
// required", dotted paths), and keep every other field for pass-through.
const says = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'Field required' : `Input should be ${what}`) })

const block = z.looseObject({ type: z.string(says('a valid string')) })

const message = z.looseObject({
  role: z.enum(['user', 'assistant', 'system'], says("'user' or 'assistant'")),
  content: z.union([z.string(), z.array(block)], says('a valid string or a list of content blocks')),
})

const system = z.union([z.string(), z.array(z.looseObject({ type: z.literal('text', says("'text'")), text: z.string(says('a valid string')) }))], says('a valid string or a list of text blocks'))

const tool = z.looseObject({ name: z.string(says('a valid string')).min(1, 'String should have at least 1 character') })

const toolChoice = z
  .looseObject({ type: z.enum(['auto', 'any', 'tool', 'none'], says("'auto', 'any', 'tool' or 'none'")), name: z.string(says('a valid string')).optional() })
  .refine((c) => c.type !== 'tool' || !!c.name, { message: 'Field required', path: ['name'] })

const unit = (what: string) => z.number(says(what)).min(0, `Input should be ${what}`).max(1, `Input should be ${what}`)

const countSchema = z.looseObject({
  model: z.string(says('a valid string')).min(1, 'String should have at least 1 character'),
  messages: z.array(message, says('a valid list')).min(1, 'List should have at least 1 item'),
  system: system.optional(),
  tools: z.array(tool, says('a valid list')).optional(),
  tool_choice: toolChoice.optional(),
  thinking: z.looseObject({ type: z.string(says('a valid string')), budget_tokens: z.number(says('a valid integer')).int().optional() }).optional(),
})

const messagesSchema = countSchema.extend({
  max_tokens: z.number(says('a valid integer')).int('Input should be a valid integer').min(0, 'Input should be greater than or equal to 0'),
  stream: z.boolean(says('a valid boolean')).optional(),
  temperature: unit('a number from 0 to 1').optional(),
  top_p: unit('a number from 0 to 1').optional(),
  top_k: z.number(says('a valid integer')).int().min(0).optional(),
  stop_sequences: z.array(z.string(says('a valid string')), says('a valid list')).optional(),
  metadata: z.looseObject({ user_id: z.string(says('a valid string')).nullish() }).optional(),
})

export type MessagesBody = z.output<typeof messagesSchema>
export type CountBody = z.output<typeof countSchema>

function check<T>(schema: z.ZodType, value: unknown): T {
  const parsed = schema.safeParse(value)
  // The schemas have no transforms: the original object (and its key order) is what goes on.
  if (parsed.success) return value as T
  const issue = parsed.error.issues[0]
  const param = issue.path.map(String).join('.')
  throw new GatewayError(400, 'caller_invalid_request', param ? `${param}: ${issue.message}` : issue.message, { param: param || null })
}

/** A `POST /v1/messages` body, checked; throws a 400 that names the field. */
export const checkMessagesBody = (value: unknown): MessagesBody => check<MessagesBody>(messagesSchema, value)
/** A `POST /v1/messages/count_tokens` body (no `max_tokens`). */
export const checkCountBody = (value: unknown): CountBody => check<CountBody>(countSchema, value)
