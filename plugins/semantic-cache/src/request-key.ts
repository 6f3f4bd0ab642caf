import { createHash } from 'node:crypto'
import type { ChatRequest, Identity, UserMessage } from '@sluice/sdk'

/**
 * Fields that never change the answer: how it is delivered (`stream`, `stream_options`), who
 * asked for the provider's records (`user`, `metadata`, `store`, `service_tier`). Every other
 * field (model, messages, tools, tool_choice, sampling, response_format, seed, n, stop,
 * vendor extensions …) is part of the key.
 */
const DELIVERY_FIELDS = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier'])

/** JSON with object keys sorted at every depth: the same request gives the same text in any key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url')

/**
 * The caller's partition: its key id (or team, with `namespaceBy: 'team'`) when a policy hook
 * authenticated it, `anon` otherwise; narrowed by the client's namespace header when sent.
 *
 * Structured (canonical JSON), never joined with separators: an id or team that contains a
 * separator (ids come from any authentication plugin) must not spell another tenant's namespace
 * with a header. The authenticating plugin is part of it too: two plugins may both know an `alice`.
 */
export function namespaceOf(identity: Identity | undefined, by: 'key' | 'team', clientNamespace: string | undefined): string {
  const owner = !identity
    ? { kind: 'anon' }
    : { kind: by === 'team' && identity.team ? 'team' : 'key', id: by === 'team' && identity.team ? identity.team : identity.id, by: identity.by ?? null }
  return canonicalJson({ ...owner, ns: clientNamespace ?? null })
}

/** The request without its delivery fields. */
function answerFields(body: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) if (!DELIVERY_FIELDS.has(k)) out[k] = v
  return out
}

/** Exact layer: a hash of the namespace and every field that changes the answer. */
export function exactKey(namespace: string, body: ChatRequest): string {
  return sha256(canonicalJson({ namespace, request: answerFields(body) }))
}

export interface SemanticQuery {
  /** The text that is embedded: the last user turn's text. */
  text: string
  /**
   * Hash of the namespace and everything but that text: system prompt, earlier turns, turns
   * after it, model, tools, sampling. A semantic hit needs the same partition.
   */
  partition: string
}

/**
 * Semantic layer: the last user turn (text only; a turn with images or audio gets no semantic
 * lookup) and the digest of its context (with the embedding model's name). Undefined when the
 * request has no such turn, or when the turn is longer than `maxChars`: a vector of part of it
 * would make turns that differ elsewhere look identical (score 1), so those get exact lookups only.
 */
export function semanticQuery(namespace: string, body: ChatRequest, embedModel = '', maxChars = Infinity): SemanticQuery | undefined {
  const messages = body.messages
  let last = -1
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i].role === 'user') {
      last = i
      break
    }
  if (last === -1) return undefined
  const message = messages[last] as UserMessage
  let text: string
  if (typeof message.content === 'string') text = message.content
  else if (message.content.every((p) => p.type === 'text')) text = message.content.map((p) => (p as { text: string }).text).join('\n')
  else return undefined
  if (!text.trim() || text.length > maxChars) return undefined
  const { content: _content, ...turnWithoutText } = message
  const context = {
    namespace,
    // Vectors of different models are not comparable.
    embedModel,
    request: { ...answerFields(body), messages: [...messages.slice(0, last), { ...turnWithoutText, content: '\u0000' }, ...messages.slice(last + 1)] },
  }
  return { text, partition: sha256(canonicalJson(context)) }
}
