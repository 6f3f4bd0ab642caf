/** The Cohere v2 wire shapes this adapter reads and writes (`/v2/chat`, `/v2/embed`). */

export interface CohereTextContent {
  type: 'text'
  text: string
}

export interface CohereThinkingContent {
  type: 'thinking'
  thinking: string
}

export interface CohereImageContent {
  type: 'image_url'
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' }
}

export interface CohereToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export type CohereMessage =
  | { role: 'system'; content: string | CohereTextContent[] }
  | { role: 'user'; content: string | (CohereTextContent | CohereImageContent)[] }
  | { role: 'assistant'; content?: string | (CohereTextContent | CohereThinkingContent)[]; tool_calls?: CohereToolCall[]; tool_plan?: string }
  | { role: 'tool'; tool_call_id: string; content: string | CohereTextContent[] }

export interface CohereTool {
  type: 'function'
  function: { name: string; description?: string; parameters: Record<string, unknown> }
}

export type CohereResponseFormat = { type: 'text' } | { type: 'json_object'; json_schema?: Record<string, unknown> }

/** The body of `POST /v2/chat`. */
export interface CohereChatRequest {
  model: string
  messages: CohereMessage[]
  tools?: CohereTool[]
  strict_tools?: boolean
  tool_choice?: 'REQUIRED' | 'NONE'
  response_format?: CohereResponseFormat
  max_tokens?: number
  stop_sequences?: string[]
  temperature?: number
  p?: number
  k?: number
  seed?: number
  frequency_penalty?: number
  presence_penalty?: number
  thinking?: { type: 'enabled' | 'disabled'; token_budget?: number }
  stream?: boolean
  [extra: string]: unknown
}

export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number; search_units?: number; classifications?: number; images?: number }
  tokens?: { input_tokens?: number; output_tokens?: number }
  cached_tokens?: number
}

export interface CohereChatResponse {
  id?: string
  finish_reason?: string
  message?: {
    role?: string
    content?: { type: string; text?: string; thinking?: string }[]
    tool_plan?: string
    tool_calls?: CohereToolCall[]
    citations?: unknown[]
  }
  usage?: CohereUsage
  logprobs?: unknown
}

/** One v2 chat stream event (the SSE `data:`), named by its `type`. */
export interface CohereStreamEvent {
  type?: string
  id?: string
  index?: number
  delta?: {
    message?: {
      role?: string
      content?: { type?: string; text?: string; thinking?: string }
      tool_plan?: string
      tool_calls?: { id?: string; type?: string; function?: { name?: string; arguments?: string } }
      citations?: unknown
    }
    finish_reason?: string
    usage?: CohereUsage
    error?: string
  }
}

/** The body of `POST /v2/embed`. */
export interface CohereEmbedRequest {
  model: string
  texts: string[]
  input_type: string
  embedding_types: string[]
  output_dimension?: number
  truncate?: 'NONE' | 'START' | 'END'
  [extra: string]: unknown
}

export interface CohereEmbedResponse {
  id?: string
  /** `embeddings_by_type` (an object per type) or `embeddings_floats` (a plain array). */
  response_type?: string
  embeddings?: { float?: number[][]; [type: string]: unknown } | number[][]
  texts?: string[]
  meta?: { api_version?: unknown; billed_units?: { input_tokens?: number; images?: number }; tokens?: { input_tokens?: number } }
}

/** Cohere's error body. */
export interface CohereErrorBody {
  id?: string
  message?: string
}
