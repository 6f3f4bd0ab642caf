import type { ChatRequest, FunctionTool, ToolChoice } from '@sluice/sdk'
import { systemMessage, toMessages } from './contents.js'
import { invalid, isObject } from './invalid.js'
import { toJsonSchema } from './json-schema.js'

/** Top-level fields read here; any other (safetySettings, cachedContent, labels …) rides along. */
const READ = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'model'])

/**
 * A Gemini GenerateContentRequest → the canonical chat request. The model comes from the URL and
 * `stream` from the method. What has an OpenAI counterpart is translated; Gemini-only fields
 * (safetySettings, topK, thinkingConfig, googleSearch tools …) are kept under `gemini`, where
 * the Gemini provider merges them back and other providers can see them.
 */
export function parseGenerateContent(body: Record<string, unknown>, model: string, stream: boolean): ChatRequest {
  const extension: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) if (!READ.has(key)) extension[key] = value
  const system = systemMessage(body.systemInstruction)
  const req: ChatRequest = { model, messages: [...(system ? [system] : []), ...toMessages(body.contents)] }
  // Gemini streams always end with usage; ask OpenAI-shaped upstreams for it too.
  if (stream) Object.assign(req, { stream: true, stream_options: { include_usage: true } })
  readTools(body, req, extension)
  readGenerationConfig(body.generationConfig, req, extension)
  if (Object.keys(extension).length) req.gemini = extension
  return req
}

function readTools(body: Record<string, unknown>, req: ChatRequest, extension: Record<string, unknown>): void {
  let tools: FunctionTool[] = []
  const others: Record<string, unknown>[] = []
  if (body.tools != null) {
    if (!Array.isArray(body.tools)) throw invalid('tools', '`tools` must be an array')
    body.tools.forEach((tool: unknown, i) => {
      if (!isObject(tool)) throw invalid(`tools[${i}]`, `tools[${i}] must be an object`)
      const { functionDeclarations, ...rest } = tool
      if (Object.keys(rest).length) others.push(rest)
      if (functionDeclarations == null) return
      if (!Array.isArray(functionDeclarations)) throw invalid(`tools[${i}].functionDeclarations`, `tools[${i}].functionDeclarations must be an array`)
      functionDeclarations.forEach((decl: unknown, j) => tools.push(functionTool(decl, `tools[${i}].functionDeclarations[${j}]`)))
    })
  }
  if (others.length) extension.tools = others
  const toolConfig = body.toolConfig
  let choice: ToolChoice | undefined
  if (toolConfig != null) {
    if (!isObject(toolConfig)) throw invalid('toolConfig', '`toolConfig` must be an object')
    const { functionCallingConfig, ...rest } = toolConfig
    if (Object.keys(rest).length) extension.toolConfig = rest
    if (functionCallingConfig != null) {
      if (!isObject(functionCallingConfig)) throw invalid('toolConfig.functionCallingConfig', '`toolConfig.functionCallingConfig` must be an object')
      const { mode, allowedFunctionNames, ...more } = functionCallingConfig
      if (Object.keys(more).length) extension.toolConfig = { ...(extension.toolConfig as object), functionCallingConfig: more }
      ;({ tools, choice } = toolChoice(mode, allowedFunctionNames, tools))
    }
  }
  if (tools.length) req.tools = tools
  if (choice) req.tool_choice = choice
}

function functionTool(decl: unknown, at: string): FunctionTool {
  if (!isObject(decl) || typeof decl.name !== 'string' || !decl.name) throw invalid(`${at}.name`, `${at}.name is required`)
  const parameters = isObject(decl.parametersJsonSchema) ? decl.parametersJsonSchema : toJsonSchema(decl.parameters)
  // `response` / `responseJsonSchema` only document what the function returns; they are not sent on.
  const fn: FunctionTool['function'] = { name: decl.name }
  if (typeof decl.description === 'string') fn.description = decl.description
  if (parameters) fn.parameters = parameters
  return { type: 'function', function: fn }
}

/**
 * Gemini's calling modes in OpenAI terms. ANY limited to several functions has no OpenAI form,
 * but offering only those functions with "required" means the same; VALIDATED (schema-adherent
 * calls, text allowed) is "auto" with strict functions.
 */
function toolChoice(mode: unknown, allowed: unknown, tools: FunctionTool[]): { tools: FunctionTool[]; choice?: ToolChoice } {
  const names = Array.isArray(allowed) ? allowed.filter((n): n is string => typeof n === 'string') : []
  switch (mode ?? 'AUTO') {
    case 'AUTO':
    case 'MODE_UNSPECIFIED':
      return { tools, choice: tools.length ? 'auto' : undefined }
    case 'NONE':
      return { tools, choice: 'none' }
    case 'VALIDATED':
      return { tools: tools.map((t) => ({ ...t, function: { ...t.function, strict: true } })), choice: 'auto' }
    case 'ANY': {
      if (names.length === 0) return { tools, choice: 'required' }
      const unknown = names.find((n) => !tools.some((t) => t.function.name === n))
      if (unknown) throw invalid('toolConfig.functionCallingConfig.allowedFunctionNames', `toolConfig.functionCallingConfig.allowedFunctionNames names "${unknown}", which no functionDeclaration declares`)
      if (names.length === 1) return { tools, choice: { type: 'function', function: { name: names[0] } } }
      return { tools: tools.filter((t) => names.includes(t.function.name)), choice: 'required' }
    }
    default:
      throw invalid('toolConfig.functionCallingConfig.mode', `toolConfig.functionCallingConfig.mode must be AUTO, ANY, NONE or VALIDATED, not ${JSON.stringify(mode)}`)
  }
}

/** generationConfig fields with an OpenAI counterpart; the rest are kept for Gemini. */
function readGenerationConfig(config: unknown, req: ChatRequest, extension: Record<string, unknown>): void {
  if (config == null) return
  if (!isObject(config)) throw invalid('generationConfig', '`generationConfig` must be an object')
  const rest: Record<string, unknown> = {}
  const num = (key: string): number | undefined => {
    const value = config[key]
    if (value == null) return undefined
    if (typeof value !== 'number') throw invalid(`generationConfig.${key}`, `generationConfig.${key} must be a number`)
    return value
  }
  for (const [key, value] of Object.entries(config)) {
    switch (key) {
      case 'temperature':
        req.temperature = num(key)
        break
      case 'topP':
        req.top_p = num(key)
        break
      case 'maxOutputTokens':
        req.max_tokens = num(key)
        break
      case 'candidateCount':
        req.n = num(key)
        break
      case 'presencePenalty':
        req.presence_penalty = num(key)
        break
      case 'frequencyPenalty':
        req.frequency_penalty = num(key)
        break
      case 'seed':
        req.seed = num(key)
        break
      case 'stopSequences':
        if (value != null) {
          if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw invalid('generationConfig.stopSequences', 'generationConfig.stopSequences must be an array of strings')
          req.stop = value
        }
        break
      case 'responseLogprobs':
        if (value === true) req.logprobs = true
        break
      case 'logprobs':
        req.top_logprobs = num(key)
        break
      case 'responseMimeType':
      case 'responseSchema':
      case 'responseJsonSchema':
        break
      default:
        rest[key] = value
    }
  }
  const mime = config.responseMimeType
  const schema = isObject(config.responseJsonSchema) ? config.responseJsonSchema : toJsonSchema(config.responseSchema)
  if (mime === 'application/json') req.response_format = schema ? { type: 'json_schema', json_schema: { name: 'response', schema } } : { type: 'json_object' }
  else if (mime != null && mime !== 'text/plain')
    // e.g. text/x.enum: Gemini-only.
    Object.assign(rest, { responseMimeType: mime }, config.responseSchema ? { responseSchema: config.responseSchema } : {}, config.responseJsonSchema ? { responseJsonSchema: config.responseJsonSchema } : {})
  // A thinking level reads as OpenAI's reasoning_effort; the exact thinkingConfig stays for Gemini.
  const level = isObject(config.thinkingConfig) ? config.thinkingConfig.thinkingLevel : undefined
  if (typeof level === 'string') req.reasoning_effort = level.toLowerCase()
  if (Object.keys(rest).length) extension.generationConfig = rest
}
