import type { ChatRequest } from '@sluice/sdk'
import { toAnthropicMessages } from './messages.js'
import { toToolChoice, toTools } from './tools.js'
import type { AnthropicRequest } from './types.js'
import { isObject, unsupported } from './unsupported.js'

export interface RequestOptions {
  provider: string
  /** `max_tokens` when the request names none (Anthropic requires it). */
  defaultMaxTokens: number
}

/** Thinking budgets for `reasoning_effort` (Anthropic's minimum budget is 1024). */
const BUDGETS: Record<string, number> = { low: 1024, medium: 8192, high: 24576 }

/**
 * A canonical (OpenAI-shaped) chat request → an Anthropic Messages request, plus the
 * `anthropic-beta` values it asks for. Fields Anthropic cannot honour are refused (400
 * `provider_unsupported`); Anthropic-only fields ride under `anthropic` and are merged last.
 */
export function toAnthropicRequest(req: ChatRequest, model: string, stream: boolean, options: RequestOptions): { body: AnthropicRequest; betas: string[] } {
  const { provider } = options
  refuseUnsupported(req, provider)
  const extension = isObject(req.anthropic) ? req.anthropic : {}
  const { system, messages } = toAnthropicMessages(req.messages ?? [], provider)
  const asked = req.max_completion_tokens ?? req.max_tokens ?? undefined
  const explicitThinking = extension.thinking ?? (isObject(req.thinking) ? req.thinking : undefined)
  const effort = explicitThinking ? undefined : thinkingFor(req.reasoning_effort, asked, options)
  const body: AnthropicRequest = { model, max_tokens: effort?.maxTokens ?? asked ?? options.defaultMaxTokens, ...(system !== undefined ? { system } : {}), messages }
  const tools = toTools(req, provider)
  if (tools) body.tools = tools
  const toolChoice = toToolChoice(req, provider)
  if (toolChoice) body.tool_choice = toolChoice
  if (req.temperature != null) body.temperature = req.temperature
  if (req.top_p != null) body.top_p = req.top_p
  if (typeof req.top_k === 'number') body.top_k = req.top_k
  if (req.stop != null && req.stop.length) body.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (req.user) body.metadata = { user_id: req.user }
  if (req.response_format?.type === 'json_schema') body.output_config = { format: { type: 'json_schema', schema: req.response_format.json_schema?.schema ?? {} } }
  if (req.service_tier === 'auto' || req.service_tier === 'default') body.service_tier = req.service_tier === 'auto' ? 'auto' : 'standard_only'
  if (explicitThinking) body.thinking = explicitThinking as AnthropicRequest['thinking']
  else if (effort) body.thinking = { type: 'enabled', budget_tokens: effort.budget }
  if (stream) body.stream = true
  return { body: mergeExtension(body, extension), betas: betasOf(extension) }
}

/** Anthropic-only fields from `anthropic`: objects merged, `tools` appended, the rest replaced. */
function mergeExtension(body: AnthropicRequest, extension: Record<string, unknown>): AnthropicRequest {
  for (const [key, value] of Object.entries(extension)) {
    if (key === 'betas') continue
    const current = body[key]
    if (key === 'tools' && Array.isArray(value)) body.tools = [...(body.tools ?? []), ...value]
    else if (isObject(current) && isObject(value)) body[key] = { ...current, ...value }
    else body[key] = value
  }
  return body
}

function betasOf(extension: Record<string, unknown>): string[] {
  const betas = extension.betas
  return Array.isArray(betas) ? betas.filter((b): b is string => typeof b === 'string' && !!b) : []
}

/**
 * `reasoning_effort` as extended thinking. The budget counts inside `max_tokens` (as reasoning
 * counts inside OpenAI's `max_completion_tokens`) and must stay below it; without a limit from
 * the caller, the default answer length is added on top of the budget.
 */
function thinkingFor(effort: unknown, asked: number | undefined, options: RequestOptions): { budget: number; maxTokens: number } | undefined {
  if (effort == null || effort === 'none' || effort === 'minimal') return undefined
  const budget = BUDGETS[String(effort)]
  if (!budget) throw unsupported(options.provider, 'reasoning_effort', `the value ${JSON.stringify(effort)} (use none, minimal, low, medium or high)`)
  if (asked === undefined) return { budget, maxTokens: budget + options.defaultMaxTokens }
  const fitted = Math.min(budget, asked - 1)
  if (fitted < 1024) throw unsupported(options.provider, 'reasoning_effort', 'extended thinking needs max_tokens above 1024')
  return { budget: fitted, maxTokens: asked }
}

function refuseUnsupported(req: ChatRequest, provider: string): void {
  const no = (param: string, why: string) => {
    throw unsupported(provider, param, why)
  }
  if (req.n != null && req.n > 1) no('n', 'Anthropic returns one answer per request')
  if (req.logprobs === true) no('logprobs', 'Anthropic returns no log probabilities')
  if (req.top_logprobs != null && req.top_logprobs > 0) no('top_logprobs', 'Anthropic returns no log probabilities')
  if (req.presence_penalty) no('presence_penalty', 'Anthropic has no presence penalty')
  if (req.frequency_penalty) no('frequency_penalty', 'Anthropic has no frequency penalty')
  if (isObject(req.logit_bias) && Object.keys(req.logit_bias).length) no('logit_bias', 'Anthropic has no token biases')
  if (req.seed != null) no('seed', 'Anthropic has no seeded sampling')
  if (req.audio != null) no('audio', 'Anthropic models produce no audio')
  if (Array.isArray(req.modalities) && req.modalities.some((m) => m !== 'text')) no('modalities', 'Anthropic models answer in text only')
  if (req.prediction != null) no('prediction', 'Anthropic has no predicted outputs')
  if (req.web_search_options != null) no('web_search_options', 'use Anthropic\'s web search tool under `anthropic.tools`')
  if (req.store === true) no('store', 'Anthropic does not store completions')
  if (req.response_format?.type === 'json_object')
    no('response_format', 'Anthropic needs a schema for JSON output; use `{ type: "json_schema", json_schema: { schema } }`')
  if (req.temperature != null && req.temperature > 1) no('temperature', 'Anthropic accepts 0 to 1')
  if (req.service_tier != null && req.service_tier !== 'auto' && req.service_tier !== 'default')
    no('service_tier', `the tier ${JSON.stringify(req.service_tier)} (auto or default)`)
}
