import type { ChatRequest, FunctionTool } from '@sluice/sdk'
import type { GeminiGenerationConfig, GeminiToolConfig, GenerateContentRequest } from './types.js'
import { toContents } from './contents.js'
import { deepMerge, isPlainObject } from './merge.js'
import { invalid, unsupported } from './unsupported.js'

/**
 * Fields that are read below, or accepted with nothing to send: `user`, `metadata` and
 * `store: false` describe the call, not the answer, and `stream_options` is about our own stream
 * (Gemini always reports usage). Anything else is refused by name rather than dropped.
 */
const KNOWN = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format',
  'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'n', 'stop', 'seed', 'presence_penalty',
  'frequency_penalty', 'logprobs', 'top_logprobs', 'reasoning_effort', 'user', 'metadata', 'store', 'gemini',
])

/**
 * A canonical (OpenAI-shaped) chat request as a Gemini generateContent body. Gemini-only fields
 * (safetySettings, cachedContent, topK, thinkingConfig, other tools …) ride along under `gemini`
 * and are deep-merged into the body last, so a caller can reach every Gemini feature.
 *
 * @example
 * toGenerateContent({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }, 'gemini', 'gemini-2.5-flash')
 * // { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }
 */
export function toGenerateContent(req: ChatRequest, provider: string, model: string): GenerateContentRequest {
  for (const [key, value] of Object.entries(req))
    if (!KNOWN.has(key) && value != null) throw unsupported(provider, key, 'this OpenAI parameter has no Gemini equivalent')
  if (req.store === true) throw unsupported(provider, 'store', 'Gemini does not store completions')
  if (req.parallel_tool_calls === false) throw unsupported(provider, 'parallel_tool_calls', 'Gemini cannot be told to call one function at a time')
  const { systemInstruction, contents } = toContents(provider, req.messages)
  const body: GenerateContentRequest = { contents }
  if (systemInstruction) body.systemInstruction = systemInstruction
  const tools = functionTools(provider, req.tools)
  if (tools.length) body.tools = [{ functionDeclarations: tools.map(declaration) }]
  const toolConfig = toolChoice(provider, req, tools)
  if (toolConfig) body.toolConfig = toolConfig
  const config = generationConfig(provider, req, model)
  if (Object.keys(config).length) body.generationConfig = config
  if (req.gemini == null) return body
  if (!isPlainObject(req.gemini)) throw invalid('gemini', '`gemini` must be an object of Gemini request fields')
  // Extra tools (googleSearch, codeExecution …) join the function declarations.
  const { tools: extraTools, ...extra } = req.gemini
  const merged = deepMerge(body, extra) as GenerateContentRequest
  if (Array.isArray(extraTools)) merged.tools = [...(body.tools ?? []), ...(extraTools as GenerateContentRequest['tools'] & object)]
  return merged
}

function functionTools(provider: string, tools: ChatRequest['tools']): FunctionTool[] {
  return (tools ?? []).map((tool, i) => {
    if (tool.type !== 'function') throw unsupported(provider, `tools[${i}].type`, `tools of type "${(tool as { type: string }).type}" have no Gemini equivalent; pass Gemini tools under \`gemini.tools\``)
    return tool
  })
}

// JSON Schema as it is (parametersJsonSchema), not the OpenAPI subset of `parameters`, which
// refuses keywords such as additionalProperties that OpenAI clients send.
function declaration(tool: FunctionTool) {
  const { name, description, parameters } = tool.function
  return { name, ...(description ? { description } : {}), ...(parameters ? { parametersJsonSchema: parameters } : {}) }
}

function toolChoice(provider: string, req: ChatRequest, tools: FunctionTool[]): GeminiToolConfig | undefined {
  const choice = req.tool_choice
  // strict function schemas: ANY already guarantees schema adherence; under AUTO it takes VALIDATED.
  const strict = tools.some((t) => t.function.strict === true)
  if (choice == null) return strict ? { functionCallingConfig: { mode: 'VALIDATED' } } : undefined
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } }
  if (choice === 'auto') return { functionCallingConfig: { mode: strict ? 'VALIDATED' : 'AUTO' } }
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } }
  if (typeof choice === 'object' && choice.type === 'function' && typeof choice.function?.name === 'string')
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } }
  throw unsupported(provider, 'tool_choice', 'use "none", "auto", "required" or a named function')
}

function generationConfig(provider: string, req: ChatRequest, model: string): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {}
  if (req.temperature != null) config.temperature = req.temperature
  if (req.top_p != null) config.topP = req.top_p
  if (req.top_k != null) config.topK = req.top_k as number
  const max = req.max_completion_tokens ?? req.max_tokens
  if (max != null) config.maxOutputTokens = max
  if (req.stop != null) config.stopSequences = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (req.n != null) config.candidateCount = req.n
  if (req.presence_penalty != null) config.presencePenalty = req.presence_penalty
  if (req.frequency_penalty != null) config.frequencyPenalty = req.frequency_penalty
  if (req.seed != null) config.seed = req.seed
  if (req.logprobs) config.responseLogprobs = true
  if (req.top_logprobs != null) {
    if (!req.logprobs) throw invalid('top_logprobs', '`top_logprobs` needs `logprobs: true`')
    config.logprobs = req.top_logprobs
  }
  const format = req.response_format
  if (format && format.type !== 'text') {
    if (format.type === 'json_object') config.responseMimeType = 'application/json'
    else if (format.type === 'json_schema') {
      config.responseMimeType = 'application/json'
      if (format.json_schema?.schema) config.responseJsonSchema = format.json_schema.schema
    } else throw unsupported(provider, 'response_format.type', `"${(format as { type: string }).type}" has no Gemini equivalent`)
  }
  // An exact thinkingConfig under `gemini` wins (budget and level together are a 400 from Gemini).
  const exact = isPlainObject(req.gemini) && isPlainObject(req.gemini.generationConfig) && req.gemini.generationConfig.thinkingConfig != null
  if (req.reasoning_effort != null && !exact) config.thinkingConfig = thinking(provider, req.reasoning_effort, model)
  return config
}

/** Budgets for Gemini 2.x, as Google's own OpenAI-compatible endpoint maps reasoning_effort. */
const BUDGETS: Record<string, number> = { none: 0, minimal: 1024, low: 1024, medium: 8192, high: 24576 }

/** Gemini 3 and later take a thinking level; earlier models a token budget. */
function thinking(provider: string, effort: string, model: string): GeminiGenerationConfig['thinkingConfig'] {
  if (!(effort in BUDGETS)) throw unsupported(provider, 'reasoning_effort', `"${effort}" is not one of ${Object.keys(BUDGETS).join(', ')}`)
  const major = Number(/gemini-(\d+)/.exec(model)?.[1] ?? 0)
  if (major >= 3) return { thinkingLevel: effort === 'none' ? 'minimal' : effort }
  return { thinkingBudget: BUDGETS[effort] }
}
