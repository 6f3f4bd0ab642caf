/** The Gemini wire shapes the /genai front door reads and writes (REST, camelCase). */

export interface GeminiPart {
  text?: string
  thought?: boolean
  thoughtSignature?: string
  inlineData?: { mimeType: string; data: string }
  fileData?: { mimeType?: string; fileUri: string }
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string }
  functionResponse?: { name: string; response?: Record<string, unknown>; id?: string }
  [other: string]: unknown
}

export interface GeminiContent {
  role?: string
  parts?: GeminiPart[]
}

export interface GeminiCandidate {
  content?: { role: 'model'; parts: GeminiPart[] }
  finishReason?: string
  index: number
  logprobsResult?: unknown
}

export interface GeminiUsageMetadata {
  promptTokenCount: number
  candidatesTokenCount: number
  totalTokenCount: number
  cachedContentTokenCount?: number
  thoughtsTokenCount?: number
}

export interface GenerateContentResponse {
  candidates?: GeminiCandidate[]
  usageMetadata?: GeminiUsageMetadata
  modelVersion?: string
  responseId?: string
}
