import { createHash } from 'node:crypto'

/**
 * Gemini's generateContent gives function calls no ids, but OpenAI-shaped clients need one per
 * call to send the result back. The id is a hash of where the call sits in the answer (response
 * id, candidate, position) and what it is (name, arguments): the same answer gets the same ids
 * whether it was streamed or not, and retries of a cached answer agree. Results go back to Gemini
 * by function *name* (found by looking the id up in the conversation), so the id never has to
 * mean anything to Gemini. When Gemini does send an id, it is used as it is.
 */
export function toolCallId(given: string | undefined, where: { responseId?: string; candidate: number; position: number }, name: string, args: string): string {
  if (given) return given
  const digest = createHash('sha256')
    .update(`${where.responseId ?? ''}\u0000${where.candidate}\u0000${where.position}\u0000${name}\u0000${args}`)
    .digest('hex')
  return `call_${digest.slice(0, 24)}`
}
