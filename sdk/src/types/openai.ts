/**
 * The canonical wire types. Sluice speaks OpenAI Chat Completions inside: every front door
 * translates into these shapes and every provider adapter translates out of them.
 * Unknown fields are kept (index signatures) so that same-format traffic loses nothing.
 */

export interface TextPart {
  type: 'text'
  text: string
}

export interface ImagePart {
  type: 'image_url'
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' }
}

export interface AudioPart {
  type: 'input_audio'
  input_audio: { data: string; format: 'wav' | 'mp3' | (string & {}) }
}

export interface FilePart {
  type: 'file'
  file: { file_data?: string; file_id?: string; filename?: string }
}

export type ContentPart = TextPart | ImagePart | AudioPart | FilePart

export interface ToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export interface SystemMessage {
  role: 'system' | 'developer'
  content: string | TextPart[]
  name?: string
}

export interface UserMessage {
  role: 'user'
  content: string | ContentPart[]
  name?: string
}

export interface AssistantMessage {
  role: 'assistant'
  content?: string | TextPart[] | null
  name?: string
  tool_calls?: ToolCall[]
  refusal?: string | null
  /** Reasoning text some OpenAI-compatible upstreams return (DeepSeek, vLLM, OpenRouter). */
  reasoning_content?: string | null
}

export interface ToolMessage {
  role: 'tool'
  content: string | TextPart[]
  tool_call_id: string
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage

export interface FunctionTool {
  type: 'function'
  function: {
    name: string
    description?: string
    parameters?: Record<string, unknown>
    strict?: boolean | null
  }
}

export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } }

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema'
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null }
    }

export interface ChatRequest {
  model: string
  messages: ChatMessage[]
  stream?: boolean | null
  stream_options?: { include_usage?: boolean } | null
  tools?: FunctionTool[]
  tool_choice?: ToolChoice
  parallel_tool_calls?: boolean
  response_format?: ResponseFormat
  max_tokens?: number | null
  max_completion_tokens?: number | null
  temperature?: number | null
  top_p?: number | null
  n?: number | null
  stop?: string | string[] | null
  seed?: number | null
  presence_penalty?: number | null
  frequency_penalty?: number | null
  logprobs?: boolean | null
  top_logprobs?: number | null
  user?: string
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high' | (string & {})
  metadata?: Record<string, string>
  [extra: string]: unknown
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number; [k: string]: unknown }
  completion_tokens_details?: { reasoning_tokens?: number; [k: string]: unknown }
  [extra: string]: unknown
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | (string & {})

export interface ChatChoice {
  index: number
  message: AssistantMessage & { role: 'assistant' }
  finish_reason: FinishReason | null
  logprobs?: unknown
}

export interface ChatResponse {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: ChatChoice[]
  usage?: Usage
  system_fingerprint?: string | null
  [extra: string]: unknown
}

export interface ToolCallDelta {
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string; arguments?: string }
}

export interface ChunkDelta {
  role?: 'assistant'
  content?: string | null
  tool_calls?: ToolCallDelta[]
  refusal?: string | null
  reasoning_content?: string | null
}

export interface ChunkChoice {
  index: number
  delta: ChunkDelta
  finish_reason: FinishReason | null
  logprobs?: unknown
}

export interface ChatChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: ChunkChoice[]
  usage?: Usage | null
  system_fingerprint?: string | null
  [extra: string]: unknown
}

export interface EmbeddingRequest {
  model: string
  input: string | string[] | number[] | number[][]
  encoding_format?: 'float' | 'base64'
  dimensions?: number
  user?: string
  [extra: string]: unknown
}

export interface Embedding {
  object: 'embedding'
  index: number
  embedding: number[] | string
}

export interface EmbeddingResponse {
  object: 'list'
  data: Embedding[]
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
  [extra: string]: unknown
}

export interface ModelInfo {
  id: string
  object: 'model'
  created: number
  owned_by: string
}

export interface ModelList {
  object: 'list'
  data: ModelInfo[]
}
