import type { ChatRequest } from '@sluice/sdk'
import { isObject } from './errors.js'
import { toCanonicalMessages } from './messages.js'
import { checkMessagesBody } from './schema.js'
import { toFunctionTools, toToolChoice } from './tools.js'

/** Top-level fields translated here; any other (top_k, service_tier, container, mcp_servers …) rides along. */
const READ = new Set(['model', 'max_tokens', 'messages', 'system', 'stream', 'temperature', 'top_p', 'stop_sequences', 'tools', 'tool_choice', 'metadata', 'thinking', 'output_config'])

/**
 * An Anthropic Messages request → the canonical chat request. What has an OpenAI counterpart
 * is translated; Anthropic-only fields (top_k, thinking, server tools, metadata other than
 * user_id, the `anthropic-beta` header values as `betas` …) are kept under `anthropic`, where
 * the Anthropic provider merges them back. Same-format traffic sends the client's bytes anyway.
 */
export function parseMessagesRequest(value: Record<string, unknown>, betas: string[] = []): ChatRequest {
  const body = checkMessagesBody(value)
  const extension: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(body)) if (!READ.has(key)) extension[key] = field
  const req: ChatRequest = { model: body.model, messages: toCanonicalMessages(body.system, body.messages), max_tokens: body.max_tokens }
  // Anthropic streams always end with usage; ask OpenAI-shaped upstreams for it too.
  if (body.stream) Object.assign(req, { stream: true, stream_options: { include_usage: true } })
  if (body.temperature !== undefined) req.temperature = body.temperature
  if (body.top_p !== undefined) req.top_p = body.top_p
  if (body.stop_sequences?.length) req.stop = body.stop_sequences
  const { functions, server } = toFunctionTools(body.tools)
  if (functions.length) req.tools = functions
  if (server.length) extension.tools = server
  const { choice, parallel } = toToolChoice(body.tool_choice)
  if (choice && (functions.length || server.length)) req.tool_choice = choice
  if (parallel === false && functions.length) req.parallel_tool_calls = false
  readMetadata(body.metadata, req, extension)
  readThinking(body.thinking, req, extension)
  readOutputConfig(body.output_config, req, extension)
  if (betas.length) extension.betas = betas
  if (Object.keys(extension).length) req.anthropic = extension
  return req
}

function readMetadata(metadata: Record<string, unknown> | undefined, req: ChatRequest, extension: Record<string, unknown>): void {
  if (!metadata) return
  const { user_id, ...rest } = metadata
  if (typeof user_id === 'string' && user_id) req.user = user_id
  if (Object.keys(rest).length) extension.metadata = rest
}

/** A thinking budget reads as OpenAI's reasoning_effort; the exact `thinking` stays for Anthropic. */
function readThinking(thinking: Record<string, unknown> | undefined, req: ChatRequest, extension: Record<string, unknown>): void {
  if (!thinking) return
  extension.thinking = thinking
  if (thinking.type === 'enabled') {
    const budget = typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : 0
    req.reasoning_effort = budget <= 2048 ? 'low' : budget <= 12288 ? 'medium' : 'high'
  } else if (thinking.type === 'adaptive') req.reasoning_effort = 'medium'
}

/** Structured output: `output_config.format` (json_schema) is OpenAI's `response_format`. */
function readOutputConfig(config: unknown, req: ChatRequest, extension: Record<string, unknown>): void {
  if (!isObject(config)) {
    if (config !== undefined) extension.output_config = config
    return
  }
  const { format, ...rest } = config
  if (isObject(format) && format.type === 'json_schema' && isObject(format.schema))
    req.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } }
  else if (format !== undefined) rest.format = format
  if (Object.keys(rest).length) extension.output_config = rest
}
