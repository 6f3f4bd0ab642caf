/**
 * The Gemini wire format (generativelanguage v1beta and Vertex AI v1), as far as this adapter
 * reads or writes it. Field names are the REST (camelCase) ones.
 */

export interface GeminiBlob {
  mimeType: string
  /** Base64. */
  data: string
}

export interface GeminiFileData {
  mimeType?: string
  fileUri: string
}

export interface GeminiFunctionCall {
  name: string
  args?: Record<string, unknown>
  /** Set by some Gemini surfaces (Live API); generateContent usually leaves it out. */
  id?: string
}

export interface GeminiFunctionResponse {
  name: string
  response: Record<string, unknown>
  id?: string
}

export interface GeminiPart {
  text?: string
  /** A thought summary (only with `thinkingConfig.includeThoughts`). */
  thought?: boolean
  /** Opaque; must go back with the part it came on (Gemini 3 enforces it for function calls). */
  thoughtSignature?: string
  inlineData?: GeminiBlob
  fileData?: GeminiFileData
  functionCall?: GeminiFunctionCall
  functionResponse?: GeminiFunctionResponse
  executableCode?: { language?: string; code: string }
  codeExecutionResult?: { outcome?: string; output?: string }
  [extra: string]: unknown
}

export interface GeminiContent {
  role?: 'user' | 'model' | (string & {})
  parts: GeminiPart[]
}

export interface GeminiFunctionDeclaration {
  name: string
  description?: string
  parameters?: Record<string, unknown>
  parametersJsonSchema?: Record<string, unknown>
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[]
  [other: string]: unknown
}

export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED' | (string & {}); allowedFunctionNames?: string[] }
  [other: string]: unknown
}

export interface GeminiGenerationConfig {
  temperature?: number
  topP?: number
  topK?: number
  maxOutputTokens?: number
  stopSequences?: string[]
  candidateCount?: number
  presencePenalty?: number
  frequencyPenalty?: number
  seed?: number
  responseMimeType?: string
  responseSchema?: Record<string, unknown>
  responseJsonSchema?: Record<string, unknown>
  responseLogprobs?: boolean
  logprobs?: number
  thinkingConfig?: { thinkingBudget?: number; thinkingLevel?: string; includeThoughts?: boolean }
  [other: string]: unknown
}

export interface GenerateContentRequest {
  contents: GeminiContent[]
  systemInstruction?: GeminiContent
  tools?: GeminiTool[]
  toolConfig?: GeminiToolConfig
  generationConfig?: GeminiGenerationConfig
  [other: string]: unknown
}

export interface GeminiLogprobsCandidate {
  token?: string
  tokenId?: number
  logProbability?: number
}

export interface GeminiLogprobsResult {
  topCandidates?: { candidates?: GeminiLogprobsCandidate[] }[]
  chosenCandidates?: GeminiLogprobsCandidate[]
}

export interface GeminiCandidate {
  content?: Partial<GeminiContent>
  finishReason?: string
  finishMessage?: string
  index?: number
  logprobsResult?: GeminiLogprobsResult
  [other: string]: unknown
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number
  cachedContentTokenCount?: number
  candidatesTokenCount?: number
  toolUsePromptTokenCount?: number
  thoughtsTokenCount?: number
  totalTokenCount?: number
  [other: string]: unknown
}

export interface GenerateContentResponse {
  candidates?: GeminiCandidate[]
  promptFeedback?: { blockReason?: string; [other: string]: unknown }
  usageMetadata?: GeminiUsageMetadata
  modelVersion?: string
  responseId?: string
  /** Vertex AI only. */
  createTime?: string
  [other: string]: unknown
}

/** `{ error: { code, message, status, details } }`, as every Google API answers a failure. */
export interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: { '@type'?: string; reason?: string; [k: string]: unknown }[] }
}
