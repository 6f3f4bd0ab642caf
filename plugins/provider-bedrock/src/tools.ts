import type { ChatRequest } from '@sluice/sdk'
import type { ConverseMessage, ToolConfig } from './types.js'
import { invalid, unsupported } from './unsupported.js'

/**
 * OpenAI `tools` and `tool_choice` → a Converse `toolConfig`: function tools as `toolSpec`s with
 * their JSON Schema under `inputSchema.json`; `auto` / `required` / a named function as
 * `auto` / `any` / `tool`. Converse has no "none": the tools are left out instead, which it
 * refuses when the history holds tool calls (it wants a toolConfig then), so that is a 400.
 * `strict` is not sent: Converse has no such switch, and the schema still goes up.
 */
export function toToolConfig(provider: string, req: ChatRequest, messages: ConverseMessage[]): ToolConfig | undefined {
  const tools = req.tools ?? []
  if (!tools.length) {
    if (req.tool_choice != null && req.tool_choice !== 'none' && req.tool_choice !== 'auto') throw invalid('tool_choice', '`tool_choice` needs `tools`')
    return undefined
  }
  if (req.tool_choice === 'none') {
    if (hasToolBlocks(messages)) throw unsupported(provider, 'tool_choice', '"none" with tool calls in the history (Converse needs the tools declared then, and cannot forbid calling them)')
    return undefined
  }
  const config: ToolConfig = { tools: [] }
  tools.forEach((tool, i) => {
    if (tool.type !== 'function') throw unsupported(provider, `tools[${i}].type`, `tools of type "${(tool as { type: string }).type}"`)
    const { name, description, parameters } = tool.function
    config.tools.push({ toolSpec: { name, ...(description ? { description } : {}), inputSchema: { json: parameters ?? { type: 'object', properties: {} } } } })
    if ((tool as { cache_control?: unknown }).cache_control !== undefined) config.tools.push({ cachePoint: { type: 'default' } })
  })
  const choice = req.tool_choice
  if (choice === 'auto') config.toolChoice = { auto: {} }
  else if (choice === 'required') config.toolChoice = { any: {} }
  else if (choice && typeof choice === 'object') {
    const name = choice.type === 'function' ? choice.function?.name : undefined
    if (typeof name !== 'string') throw unsupported(provider, 'tool_choice', 'use "none", "auto", "required" or a named function')
    if (!tools.some((t) => t.function.name === name)) throw invalid('tool_choice', `\`tool_choice\` names "${name}", which is not among the tools`)
    config.toolChoice = { tool: { name } }
  } else if (choice != null) throw unsupported(provider, 'tool_choice', 'use "none", "auto", "required" or a named function')
  return config
}

function hasToolBlocks(messages: ConverseMessage[]): boolean {
  return messages.some((m) => m.content.some((b) => b.toolUse || b.toolResult))
}
