/**
 * The Bedrock Runtime Converse wire shapes this adapter reads and writes (a subset: what the
 * OpenAI shapes map to). Blobs are base64 strings in JSON.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp'

export interface ImageBlock {
  format: ImageFormat
  source: { bytes: string }
}

export interface DocumentBlock {
  format: string
  name: string
  source: { bytes: string }
}

export interface ToolUseBlock {
  toolUseId: string
  name: string
  input: unknown
}

export interface ToolResultBlock {
  toolUseId: string
  content: ({ text: string } | { json: unknown } | { image: ImageBlock })[]
  status?: 'success' | 'error'
}

export interface ReasoningBlock {
  reasoningText?: { text: string; signature?: string }
  /** Base64. */
  redactedContent?: string
}

export interface CachePoint {
  cachePoint: { type: 'default' }
}

/** A Converse content block: exactly one member is set. */
export interface ContentBlock {
  text?: string
  image?: ImageBlock
  document?: DocumentBlock
  toolUse?: ToolUseBlock
  toolResult?: ToolResultBlock
  reasoningContent?: ReasoningBlock
  cachePoint?: CachePoint['cachePoint']
  [other: string]: unknown
}

export interface ConverseMessage {
  role: 'user' | 'assistant'
  content: ContentBlock[]
}

export type SystemBlock = { text: string } | CachePoint

export interface ToolSpec {
  name: string
  description?: string
  inputSchema: { json: Record<string, unknown> }
}

export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } }

export interface ToolConfig {
  tools: ({ toolSpec: ToolSpec } | CachePoint)[]
  toolChoice?: ToolChoice
}

export interface InferenceConfig {
  maxTokens?: number
  temperature?: number
  topP?: number
  stopSequences?: string[]
}

/** The body of `POST /model/{modelId}/converse` and `/converse-stream`. */
export interface ConverseRequest {
  messages: ConverseMessage[]
  system?: SystemBlock[]
  inferenceConfig?: InferenceConfig
  toolConfig?: ToolConfig
  additionalModelRequestFields?: Record<string, unknown>
  requestMetadata?: Record<string, string>
  [extra: string]: unknown
}

export interface TokenUsage {
  inputTokens?: number
  outputTokens?: number
  totalTokens?: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
}

export interface ConverseResponse {
  output?: { message?: { role?: string; content?: ContentBlock[] } }
  stopReason?: string
  usage?: TokenUsage
  metrics?: { latencyMs?: number }
  additionalModelResponseFields?: unknown
  trace?: unknown
}

/** ConverseStream event payloads, by `:event-type`. */
export interface MessageStartEvent {
  role?: string
}

export interface ContentBlockStartEvent {
  contentBlockIndex?: number
  start?: { toolUse?: { toolUseId?: string; name?: string } }
}

export interface ContentBlockDeltaEvent {
  contentBlockIndex?: number
  delta?: {
    text?: string
    toolUse?: { input?: string }
    reasoningContent?: { text?: string; signature?: string; redactedContent?: string }
  }
}

export interface MessageStopEvent {
  stopReason?: string
  additionalModelResponseFields?: unknown
}

export interface MetadataEvent {
  usage?: TokenUsage
  metrics?: { latencyMs?: number }
  trace?: unknown
}

/** Bedrock's error body (restJson1): `message`, sometimes `Message` or `__type`. */
export interface BedrockErrorBody {
  message?: string
  Message?: string
  __type?: string
  originalStatusCode?: number
  originalMessage?: string
}
