import type { FunctionTool, ToolChoice } from '@sluice/sdk'
import { isObject } from './errors.js'

/**
 * Anthropic tools → function tools (`input_schema` → `parameters`, `strict` and `cache_control`
 * kept). Server tools (web search, code execution, bash …, those with a versioned `type`) have
 * no OpenAI form: they are returned apart, for the `anthropic` extension.
 */
export function toFunctionTools(tools: Record<string, unknown>[] | undefined): { functions: FunctionTool[]; server: Record<string, unknown>[] } {
  const functions: FunctionTool[] = []
  const server: Record<string, unknown>[] = []
  for (const tool of tools ?? []) {
    if (tool.type !== undefined && tool.type !== 'custom') {
      server.push(tool)
      continue
    }
    const fn: FunctionTool['function'] = { name: String(tool.name) }
    if (typeof tool.description === 'string') fn.description = tool.description
    fn.parameters = isObject(tool.input_schema) ? tool.input_schema : { type: 'object', properties: {} }
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict
    const out: FunctionTool & { cache_control?: unknown } = { type: 'function', function: fn }
    if (tool.cache_control !== undefined) out.cache_control = tool.cache_control
    functions.push(out)
  }
  return { functions, server }
}

/** auto → auto, any → required, tool → a named function, none → none; no parallel use → `parallel_tool_calls: false`. */
export function toToolChoice(choice: Record<string, unknown> | undefined): { choice?: ToolChoice; parallel?: false } {
  if (!choice) return {}
  const parallel = choice.disable_parallel_tool_use === true ? { parallel: false as const } : {}
  switch (choice.type) {
    case 'any':
      return { choice: 'required', ...parallel }
    case 'tool':
      return { choice: { type: 'function', function: { name: String(choice.name) } }, ...parallel }
    case 'none':
      return { choice: 'none' }
    default:
      return { choice: 'auto', ...parallel }
  }
}
