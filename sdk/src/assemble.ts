import type { ChatChoice, ChatChunk, ChatResponse, ToolCall, Usage } from './types/openai.js'

/**
 * Fold stream chunks into the complete response they describe: text and reasoning joined,
 * tool-call argument fragments joined per index, the last finish reason and usage kept.
 */
export function assembleChatResponse(chunks: Iterable<ChatChunk>): ChatResponse {
  const choices = new Map<number, ChatChoice & { _tools: Map<number, ToolCall> }>()
  let id = ''
  let created = 0
  let model = ''
  let usage: Usage | undefined
  let fingerprint: string | null | undefined
  for (const chunk of chunks) {
    id ||= chunk.id
    created ||= chunk.created
    model ||= chunk.model
    if (chunk.usage) usage = chunk.usage
    if (chunk.system_fingerprint) fingerprint = chunk.system_fingerprint
    for (const c of chunk.choices ?? []) {
      let choice = choices.get(c.index)
      if (!choice) {
        choice = { index: c.index, message: { role: 'assistant', content: null }, finish_reason: null, _tools: new Map() }
        choices.set(c.index, choice)
      }
      const delta = c.delta ?? {}
      if (typeof delta.content === 'string') choice.message.content = (choice.message.content ?? '') + delta.content
      if (typeof delta.reasoning_content === 'string')
        choice.message.reasoning_content = (choice.message.reasoning_content ?? '') + delta.reasoning_content
      if (typeof delta.refusal === 'string') choice.message.refusal = (choice.message.refusal ?? '') + delta.refusal
      for (const t of delta.tool_calls ?? []) {
        let call = choice._tools.get(t.index)
        if (!call) {
          call = { id: t.id ?? '', type: 'function', function: { name: t.function?.name ?? '', arguments: '' } }
          choice._tools.set(t.index, call)
        } else {
          if (t.id) call.id = t.id
          if (t.function?.name) call.function.name += t.function.name
        }
        if (t.function?.arguments) call.function.arguments += t.function.arguments
      }
      if (c.finish_reason) choice.finish_reason = c.finish_reason
    }
  }
  const out: ChatResponse = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [...choices.values()]
      .sort((a, b) => a.index - b.index)
      .map(({ _tools, ...choice }) => {
        if (_tools.size) choice.message.tool_calls = [..._tools.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])
        return choice
      }),
  }
  if (usage) out.usage = usage
  if (fingerprint !== undefined) out.system_fingerprint = fingerprint
  return out
}
