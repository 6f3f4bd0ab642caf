import { GatewayError } from '@sluice/sdk'
import type { ChatMessage, ChatRequest, FinishReason, FunctionTool, ToolCall, Usage } from '@sluice/sdk'
import { countTokens, pieces } from './tokens.js'

export interface PlannedReply {
  content: string | null
  toolCalls?: ToolCall[]
  finishReason: FinishReason
}

const messageText = (m: ChatMessage): string =>
  typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => ('text' in p ? p.text : '')).join(' ') : ''

export function lastUserText(req: ChatRequest): string {
  const last = [...req.messages].reverse().find((m) => m.role === 'user')
  return last ? messageText(last) : ''
}

/** `mock:error:<status>` in the last user message makes the mock fail as an upstream would. */
export function scriptedError(text: string): GatewayError | undefined {
  const match = /mock:error:(\d{3})/.exec(text)
  if (!match) return undefined
  const status = Number(match[1])
  const message = `Mock provider failed with ${status} as asked`
  if (status === 429) return new GatewayError(429, 'provider_rate_limited', message, { headers: { 'retry-after': '1' } })
  if (status === 401 || status === 403) return new GatewayError(502, 'provider_authentication', message)
  if (status === 404) return new GatewayError(404, 'provider_not_found', message)
  if (status === 503) return new GatewayError(503, 'provider_unavailable', message)
  if (status >= 500) return new GatewayError(502, 'provider_error', message)
  return new GatewayError(status, 'provider_bad_request', message)
}

/** What the mock answers: a tool call when tools are offered and asked for, else text. */
export function planReply(req: ChatRequest, fixed: string | undefined, choice: number): PlannedReply {
  const text = lastUserText(req)
  const tool = chooseTool(req, text)
  if (tool) {
    const call: ToolCall = { id: `call_mock_${choice}_${hash(tool.function.name + text).toString(36)}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(exampleArguments(tool.function.parameters)) } }
    return { content: null, toolCalls: [call], finishReason: 'tool_calls' }
  }
  let content = fixed ?? `Echo: ${text}`
  if (choice > 0) content = `${content} (${choice + 1})`
  let finishReason: FinishReason = 'stop'
  for (const stop of typeof req.stop === 'string' ? [req.stop] : (req.stop ?? [])) {
    const at = stop ? content.indexOf(stop) : -1
    if (at >= 0) content = content.slice(0, at)
  }
  const limit = req.max_completion_tokens ?? req.max_tokens
  if (typeof limit === 'number') {
    const words = pieces(content)
    if (words.length > limit) {
      content = words.slice(0, limit).join('')
      finishReason = 'length'
    }
  }
  return { content, finishReason }
}

function chooseTool(req: ChatRequest, text: string): FunctionTool | undefined {
  const tools = (req.tools ?? []).filter((t): t is FunctionTool => t.type === 'function')
  if (tools.length === 0 || req.tool_choice === 'none') return undefined
  // After a tool result, answer in text: that ends the round trip.
  if (req.messages[req.messages.length - 1]?.role === 'tool') return undefined
  const forced = typeof req.tool_choice === 'object' ? req.tool_choice.function.name : undefined
  if (forced) return tools.find((t) => t.function.name === forced) ?? tools[0]
  if (req.tool_choice === 'required' || /\btool\b/i.test(text)) return tools[0]
  return undefined
}

/** Arguments that satisfy a JSON schema's shape: strings "example", numbers 1, first enum value. */
export function exampleArguments(schema: unknown): unknown {
  const s = (schema ?? {}) as { type?: string | string[]; properties?: Record<string, unknown>; items?: unknown; enum?: unknown[] }
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0]
  const type = Array.isArray(s.type) ? s.type[0] : s.type
  switch (type) {
    case 'string':
      return 'example'
    case 'number':
    case 'integer':
      return 1
    case 'boolean':
      return true
    case 'array':
      return [exampleArguments(s.items)]
    case 'null':
      return null
    default:
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, exampleArguments(v)]))
  }
}

export function usageFor(req: ChatRequest, replies: PlannedReply[]): Usage {
  const prompt = req.messages.reduce((sum, m) => sum + countTokens(messageText(m)) + 3, 0)
  const completion = replies.reduce((sum, r) => sum + countTokens(r.content ?? '') + (r.toolCalls ?? []).reduce((s, c) => s + countTokens(c.function.arguments) + 1, 0), 0)
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

export function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}
