import type { ChatRequest } from '@sluice/sdk'
import type { ConverseRequest, InferenceConfig } from './types.js'
import { toConverseMessages } from './messages.js'
import { deepMerge, isPlainObject } from './merge.js'
import { toToolConfig } from './tools.js'
import { invalid, unsupported } from './unsupported.js'

/**
 * Fields read below, or accepted with nothing to send: `user` and `store: false` describe the
 * call, and `stream_options` is about our own stream (Converse always reports usage).
 */
const KNOWN = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_tokens',
  'max_completion_tokens', 'temperature', 'top_p', 'stop', 'n', 'user', 'metadata', 'store', 'reasoning_effort', 'bedrock',
])

/** Other vendors' extensions (left by their front doors): not ours to send. */
const FOREIGN = new Set(['anthropic', 'gemini', 'cohere'])

/** Values that ask for nothing beyond the default, so there is nothing to refuse. */
const NEUTRAL: Record<string, (value: unknown) => boolean> = {
  n: (v) => v === 1,
  logprobs: (v) => v === false,
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  logit_bias: (v) => isPlainObject(v) && Object.keys(v).length === 0,
  response_format: (v) => isPlainObject(v) && v.type === 'text',
}

const WHY: Record<string, string> = {
  n: 'Converse returns one choice',
  response_format: 'Converse has no JSON mode; describe the format in the prompt, or force a tool whose schema is the format',
}

/** Claude's thinking budgets per effort, as the Gemini adapter maps them. */
const BUDGETS: Record<string, number> = { minimal: 1024, low: 1024, medium: 8192, high: 24576 }

/**
 * A canonical (OpenAI-shaped) chat request as a Converse body. Bedrock-only fields
 * (`guardrailConfig`, `additionalModelRequestFields`, `performanceConfig`, `promptVariables` …)
 * ride along under `bedrock` and are deep-merged into the body last.
 *
 * @example
 * toConverse({ model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], max_tokens: 50 }, 'bedrock', 'm')
 * // { messages: [{ role: 'user', content: [{ text: 'hi' }] }], system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 50 } }
 */
export function toConverse(req: ChatRequest, provider: string, model: string): ConverseRequest {
  for (const [key, value] of Object.entries(req)) {
    if (value == null || KNOWN.has(key) || FOREIGN.has(key) || NEUTRAL[key]?.(value)) continue
    throw unsupported(provider, key, WHY[key] ?? 'this OpenAI parameter has no Converse equivalent; model-specific fields go under `bedrock.additionalModelRequestFields`')
  }
  if (req.store === true) throw unsupported(provider, 'store', 'Bedrock does not store completions')
  if (req.n != null && req.n !== 1) throw unsupported(provider, 'n', WHY.n)
  if (req.parallel_tool_calls === false) throw unsupported(provider, 'parallel_tool_calls', 'Converse cannot be told to call one tool at a time')
  const { system, messages } = toConverseMessages(provider, req.messages)
  const body: ConverseRequest = { messages }
  if (system.length) body.system = system
  const inference = inferenceConfig(req)
  if (Object.keys(inference).length) body.inferenceConfig = inference
  const tools = toToolConfig(provider, req, messages)
  if (tools) body.toolConfig = tools
  const thinking = thinkingFields(provider, req, model)
  if (thinking) body.additionalModelRequestFields = thinking
  if (req.metadata && Object.keys(req.metadata).length) body.requestMetadata = req.metadata
  if (req.bedrock == null) return body
  if (!isPlainObject(req.bedrock)) throw invalid('bedrock', '`bedrock` must be an object of Converse request fields')
  return deepMerge(body, req.bedrock) as ConverseRequest
}

function inferenceConfig(req: ChatRequest): InferenceConfig {
  const config: InferenceConfig = {}
  const max = req.max_completion_tokens ?? req.max_tokens
  if (max != null) config.maxTokens = max
  if (req.temperature != null) config.temperature = req.temperature
  if (req.top_p != null) config.topP = req.top_p
  if (req.stop != null) {
    const stops = typeof req.stop === 'string' ? [req.stop] : req.stop
    if (stops.length) config.stopSequences = stops
  }
  return config
}

/**
 * `reasoning_effort` for Claude models: Anthropic's extended thinking, a model-specific field.
 * The exact `thinking` an Anthropic client sent (kept under `anthropic` by its front door) wins.
 */
function thinkingFields(provider: string, req: ChatRequest, model: string): Record<string, unknown> | undefined {
  const effort = req.reasoning_effort
  if (effort == null) return undefined
  if (!/anthropic|claude/i.test(model))
    throw unsupported(provider, 'reasoning_effort', 'only mapped for Claude models; other models take their own fields under `bedrock.additionalModelRequestFields`')
  const exact = isPlainObject(req.anthropic) ? req.anthropic.thinking : undefined
  if (isPlainObject(exact)) return { thinking: exact }
  if (effort === 'none') return undefined
  const budget = BUDGETS[effort]
  if (!budget) throw unsupported(provider, 'reasoning_effort', `"${effort}" is not one of none, ${Object.keys(BUDGETS).join(', ')}`)
  return { thinking: { type: 'enabled', budget_tokens: budget } }
}
