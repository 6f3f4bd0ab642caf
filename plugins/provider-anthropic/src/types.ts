/**
 * The parts of the Anthropic Messages API wire format this adapter reads and writes. Loose on
 * purpose: unknown fields and block types are carried, not rejected.
 */

export type AnthropicBlock = { type: string; [field: string]: unknown }

export interface AnthropicTextBlock {
  type: 'text'
  text: string
  cache_control?: unknown
  [field: string]: unknown
}

export interface AnthropicToolUseBlock {
  type: 'tool_use'
  id: string
  name: string
  input: unknown
  [field: string]: unknown
}

export interface AnthropicMessageParam {
  role: 'user' | 'assistant'
  content: string | AnthropicBlock[]
}

export interface AnthropicTool {
  name: string
  description?: string
  input_schema: Record<string, unknown>
  [field: string]: unknown
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' }

/** `POST /v1/messages` request body. */
export interface AnthropicRequest {
  model: string
  max_tokens: number
  messages: AnthropicMessageParam[]
  system?: string | AnthropicTextBlock[]
  stream?: boolean
  temperature?: number
  top_p?: number
  top_k?: number
  stop_sequences?: string[]
  tools?: (AnthropicTool | AnthropicBlock)[]
  tool_choice?: AnthropicToolChoice
  thinking?: { type: string; budget_tokens?: number; [field: string]: unknown }
  output_config?: { format?: { type: 'json_schema'; schema: Record<string, unknown> }; [field: string]: unknown }
  metadata?: { user_id?: string; [field: string]: unknown }
  service_tier?: string
  [field: string]: unknown
}

export interface AnthropicUsage {
  input_tokens?: number | null
  output_tokens?: number | null
  cache_creation_input_tokens?: number | null
  cache_read_input_tokens?: number | null
  output_tokens_details?: { thinking_tokens?: number | null; [field: string]: unknown } | null
  [field: string]: unknown
}

/** `POST /v1/messages` response body (a Message). */
export interface AnthropicMessage {
  id: string
  type: 'message'
  role: 'assistant'
  model: string
  content: AnthropicBlock[]
  stop_reason: string | null
  stop_sequence: string | null
  usage: AnthropicUsage
  [field: string]: unknown
}

/** `{ type: 'error', error: { type, message }, request_id }`, also the `data` of a stream's `error` event. */
export interface AnthropicErrorBody {
  type: 'error'
  error: { type: string; message: string }
  request_id?: string
}
