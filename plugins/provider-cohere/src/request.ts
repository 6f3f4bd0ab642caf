import type { ChatRequest, FunctionTool } from '@sluice/sdk'
import type { CohereChatRequest, CohereResponseFormat, CohereTool } from './types.js'
import { toCohereMessages } from './messages.js'
import { deepMerge, isPlainObject } from './merge.js'
import { invalid, unsupported } from './unsupported.js'

/**
 * Fields read below, or accepted with nothing to send: `user`, `metadata` and `store: false`
 * describe the call, and `stream_options` is about our own stream (Cohere always reports usage).
 */
const KNOWN = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'max_tokens',
  'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'stop', 'n', 'seed', 'presence_penalty', 'frequency_penalty',
  'reasoning_effort', 'user', 'metadata', 'store', 'cohere',
])

/** Other vendors' extensions (left by their front doors): not ours to send. */
const FOREIGN = new Set(['anthropic', 'gemini', 'bedrock'])

/** Values that ask for nothing beyond the default, so there is nothing to refuse. */
const NEUTRAL: Record<string, (value: unknown) => boolean> = {
  logprobs: (v) => v === false,
  logit_bias: (v) => isPlainObject(v) && Object.keys(v).length === 0,
}

/**
 * A canonical (OpenAI-shaped) chat request as a Cohere `/v2/chat` body. Cohere-only fields
 * (`documents`, `citation_options`, `safety_mode`, `priority` …) ride along under `cohere` and are
 * deep-merged into the body last.
 *
 * @example
 * toCohereChat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }], top_p: 0.9 }, 'cohere', 'command-a-03-2025', false)
 * // { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }], p: 0.9 }
 */
export function toCohereChat(req: ChatRequest, provider: string, model: string, stream: boolean): CohereChatRequest {
  for (const [key, value] of Object.entries(req)) {
    if (value == null || KNOWN.has(key) || FOREIGN.has(key) || NEUTRAL[key]?.(value)) continue
    throw unsupported(provider, key, 'this OpenAI parameter has no Cohere equivalent; Cohere-only fields go under `cohere`')
  }
  if (req.store === true) throw unsupported(provider, 'store', 'Cohere does not store completions')
  if (req.n != null && req.n !== 1) throw unsupported(provider, 'n', 'Cohere returns one choice')
  if (req.parallel_tool_calls === false) throw unsupported(provider, 'parallel_tool_calls', 'Cohere cannot be told to call one tool at a time')
  const body: CohereChatRequest = { model, messages: toCohereMessages(provider, req.messages) }
  Object.assign(body, tools(provider, req))
  const format = responseFormat(provider, req.response_format)
  if (format) body.response_format = format
  const max = req.max_completion_tokens ?? req.max_tokens
  if (max != null) body.max_tokens = max
  if (req.stop != null) {
    const stops = typeof req.stop === 'string' ? [req.stop] : req.stop
    if (stops.length) body.stop_sequences = stops
  }
  if (req.temperature != null) body.temperature = req.temperature
  if (req.top_p != null) body.p = req.top_p
  if (typeof req.top_k === 'number') body.k = req.top_k
  if (req.seed != null) body.seed = req.seed
  if (req.frequency_penalty != null) body.frequency_penalty = req.frequency_penalty
  if (req.presence_penalty != null) body.presence_penalty = req.presence_penalty
  // Cohere's reasoning models think unless told not to; there is no effort scale to map onto.
  if (req.reasoning_effort != null) body.thinking = { type: req.reasoning_effort === 'none' ? 'disabled' : 'enabled' }
  if (stream) body.stream = true
  if (req.cohere == null) return body
  if (!isPlainObject(req.cohere)) throw invalid('cohere', '`cohere` must be an object of Cohere request fields')
  return deepMerge(body, req.cohere) as CohereChatRequest
}

/**
 * Tools as Cohere function tools (Cohere requires `parameters`). Cohere's `tool_choice` knows
 * REQUIRED and NONE (auto is its default); a named function is the one tool sent, required.
 * `strict_tools` is all or nothing at Cohere: set when every function is strict.
 */
function tools(provider: string, req: ChatRequest): Pick<CohereChatRequest, 'tools' | 'strict_tools' | 'tool_choice'> {
  let list: FunctionTool[] = (req.tools ?? []).map((tool, i) => {
    if (tool.type !== 'function') throw unsupported(provider, `tools[${i}].type`, `tools of type "${(tool as { type: string }).type}"`)
    return tool
  })
  const out: Pick<CohereChatRequest, 'tools' | 'strict_tools' | 'tool_choice'> = {}
  const choice = req.tool_choice
  if (choice === 'none') out.tool_choice = 'NONE'
  else if (choice === 'required') out.tool_choice = 'REQUIRED'
  else if (choice && typeof choice === 'object') {
    const name = choice.type === 'function' ? choice.function?.name : undefined
    if (typeof name !== 'string') throw unsupported(provider, 'tool_choice', 'use "none", "auto", "required" or a named function')
    list = list.filter((t) => t.function.name === name)
    if (!list.length) throw invalid('tool_choice', `\`tool_choice\` names "${name}", which is not among the tools`)
    out.tool_choice = 'REQUIRED'
  } else if (choice != null && choice !== 'auto') throw unsupported(provider, 'tool_choice', 'use "none", "auto", "required" or a named function')
  if (!list.length) {
    if (out.tool_choice === 'REQUIRED') throw invalid('tool_choice', '`tool_choice` needs `tools`')
    return {}
  }
  const mapped = list.map((t): CohereTool => {
    const { name, description, parameters } = t.function
    return { type: 'function', function: { name, ...(description ? { description } : {}), parameters: parameters ?? { type: 'object', properties: {} } } }
  })
  const strict = list.every((t) => t.function.strict === true)
  return { tools: mapped, ...(strict ? { strict_tools: true } : {}), ...out }
}

/** `json_object` as it is; `json_schema` as Cohere's json_object with the schema under `json_schema`. */
function responseFormat(provider: string, format: ChatRequest['response_format']): CohereResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined
  if (format.type === 'json_object') return { type: 'json_object' }
  if (format.type === 'json_schema') return format.json_schema?.schema ? { type: 'json_object', json_schema: format.json_schema.schema } : { type: 'json_object' }
  throw unsupported(provider, 'response_format.type', `"${(format as { type: string }).type}"`)
}
