import type { ChatRequest } from '@sluice/sdk'

/** Models that refuse `max_tokens` and want `max_completion_tokens` (reasoning models). */
const COMPLETION_TOKENS_ONLY = /^(o\d|gpt-5)/

/**
 * The canonical request as an OpenAI upstream accepts it when the client spoke another format:
 * other vendors' extensions (top-level `anthropic`/`gemini`, `cache_control`, `thinking_blocks`,
 * `is_error`) are left out — OpenAI answers unknown fields with a 400 — and `max_tokens` becomes
 * `max_completion_tokens` for reasoning models.
 */
export function forOpenAI(req: ChatRequest): ChatRequest {
  const { anthropic: _a, gemini: _g, ...rest } = req as ChatRequest & { anthropic?: unknown; gemini?: unknown }
  const out: ChatRequest = {
    ...rest,
    messages: req.messages.map((message) => {
      const { cache_control: _c, thinking_blocks: _t, is_error: _e, ...m } = message as typeof message & Record<string, unknown>
      if (Array.isArray(m.content)) m.content = m.content.map((part) => strip(part)) as typeof m.content
      return m as typeof message
    }),
  }
  if (req.tools) out.tools = req.tools.map((tool) => strip(tool))
  if (out.max_tokens != null && COMPLETION_TOKENS_ONLY.test(out.model) && out.max_completion_tokens == null) {
    out.max_completion_tokens = out.max_tokens
    delete out.max_tokens
  }
  return out
}

function strip<T extends object>(value: T): T {
  if (!('cache_control' in value)) return value
  const { cache_control: _c, ...rest } = value as T & { cache_control?: unknown }
  return rest as T
}
