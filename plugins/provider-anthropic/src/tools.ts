import type { ChatRequest } from '@sluice/sdk'
import type { AnthropicTool, AnthropicToolChoice } from './types.js'
import { invalid, isObject, unsupported } from './unsupported.js'

/** Function tools → Anthropic tools (`parameters` → `input_schema`); `strict` and `cache_control` kept. */
export function toTools(req: ChatRequest, provider: string): AnthropicTool[] | undefined {
  if (!req.tools?.length) return undefined
  return req.tools.map((tool, i) => {
    const at = `tools[${i}]`
    if (tool.type !== 'function') throw unsupported(provider, `${at}.type`, `tools of type "${String(tool.type)}" (only function tools)`)
    const fn = tool.function
    if (!fn?.name) throw invalid(`${at}.function.name`, `${at}.function.name is required`)
    const out: AnthropicTool = {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      // Anthropic requires an object schema; OpenAI allows a function without parameters.
      input_schema: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    }
    if (fn.strict === true) out.strict = true
    const cache = (tool as { cache_control?: unknown }).cache_control
    if (cache !== undefined) out.cache_control = cache
    return out
  })
}

/**
 * `tool_choice` and `parallel_tool_calls` → Anthropic's `tool_choice`: auto → auto, none → none,
 * required → any, a named function → tool; `parallel_tool_calls: false` →
 * `disable_parallel_tool_use` (which `none` cannot carry: no calls means none in parallel).
 */
export function toToolChoice(req: ChatRequest, provider: string): AnthropicToolChoice | undefined {
  const choice = req.tool_choice
  const noParallel = req.parallel_tool_calls === false && !!req.tools?.length
  const extra = noParallel ? { disable_parallel_tool_use: true } : {}
  if (choice == null) return noParallel ? { type: 'auto', ...extra } : undefined
  if (choice === 'auto') return { type: 'auto', ...extra }
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') return { type: 'any', ...extra }
  if (isObject(choice) && choice.type === 'function' && typeof choice.function?.name === 'string')
    return { type: 'tool', name: choice.function.name, ...extra }
  throw unsupported(provider, 'tool_choice', `the choice ${JSON.stringify(choice)} (use auto, none, required or a named function)`)
}
