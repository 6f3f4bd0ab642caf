/**
 * The WASM plugin ABI (documented in wasm-examples/README.md): JSON in, JSON out.
 * Input: `{ hook, context, texts?, request?, response?, stream?, record? }`.
 * Output: `{ action: 'continue' | 'modify' | 'refuse', … }`, or no output at all (continue).
 * Decoding runs in the worker, so untrusted bytes are never parsed on the event loop.
 */
import type { GatewayContext, HookName, Identity, RequestRecord } from '@sluice/sdk'

export type Decision =
  | { action: 'continue'; headers?: Record<string, string> }
  | { action: 'modify'; request?: Record<string, unknown>; response?: Record<string, unknown>; headers?: Record<string, string> }
  | { action: 'refuse'; status: number; type: string; message: string; headers?: Record<string, string> }

/** Raised for output that breaks the ABI (counted as `invalid_output`). */
export class AbiError extends Error {}

/**
 * Header names never shown to a plugin: credentials and session material, the identity
 * assertions of a proxy in front included (`cf-access-jwt-assertion`, `x-goog-iap-jwt-assertion`,
 * `x-amzn-oidc-data`).
 */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-goog-api-key|x-sluice-key)$|key|token|secret|passw|session|auth|credential|signature|jwt|oidc|assertion|saml/i

/** Headers a plugin may set on the client's answer: `x-…`, except the gateway's own. */
const SETTABLE_HEADER = /^x-[a-z0-9][a-z0-9-]{0,62}$/i
const RESERVED_HEADER = /^(x-request-id|x-sluice-(provider|model|attempts|cache(-.*)?|budget-.*|ratelimit-.*|key|admin-token|token-count)|x-ratelimit-.*)$/i
/**
 * `x-` names a proxy in front acts on or browsers enforce: `x-accel-redirect` makes nginx serve an
 * internal file, `x-accel-buffering: yes` would buffer the gateway's streams, `x-sendfile` the
 * same for Apache/lighttpd, `x-forwarded-*` and `x-real-ip` forge addresses for what sits behind.
 */
const PROXY_HEADER = /^(x-accel-.*|x-sendfile|x-lighttpd-send-file|x-forwarded-.*|x-real-ip|x-frame-options|x-content-type-options|x-xss-protection|x-permitted-cross-domain-policies)$/i
/** What Node accepts in a header value (tab, visible ASCII, Latin-1); anything else throws when the answer is written. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

const MAX_MESSAGE = 1000

/** The read-only request view every hook gets. */
export function contextView(ctx: GatewayContext): Record<string, unknown> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(ctx.request.headers)) {
    if (value === undefined || SECRET_HEADER.test(name)) continue
    headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return {
    requestId: ctx.id,
    operation: ctx.request.operation,
    format: ctx.request.format,
    path: ctx.request.path,
    model: ctx.request.model,
    stream: ctx.request.stream,
    identity: identityView(ctx.identity),
    headers,
  }
}

/** Who the caller is, without the extra fields an auth plugin may keep there (tokens, claims). */
function identityView(identity: Identity | undefined): Record<string, unknown> | null {
  return identity ? { id: identity.id, name: identity.name, team: identity.team, customer: identity.customer } : null
}

/** The JSON text a hook's export receives. */
export function encodeInput(hook: HookName, ctx: GatewayContext, extra: { response?: unknown; stream?: boolean; record?: RequestRecord } = {}): string {
  const input: Record<string, unknown> = { hook, context: contextView(ctx) }
  if (hook === 'preAuth' || hook === 'policy' || hook === 'preRequest') {
    input.texts = ctx.request.texts()
    // The plugin gets a copy (this JSON) and changes the body only through `modify`, so this read
    // is not a plugin's read: no snapshot for in-place edit detection (a stringify per call).
    input.request = (ctx.request as { peekBody?(): unknown }).peekBody?.() ?? ctx.request.body
  } else if (hook === 'response') {
    input.response = extra.response
    input.stream = extra.stream ?? false
  } else if (hook === 'postLog' && extra.record) input.record = { ...extra.record, identity: identityView(extra.record.identity) ?? undefined }
  return JSON.stringify(input)
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Reads a plugin's output bytes into a Decision; throws AbiError when they break the ABI. */
export function decodeOutput(bytes: Uint8Array | null, hook: HookName): Decision {
  if (!bytes || bytes.length === 0) return { action: 'continue' }
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw new AbiError('output is not valid UTF-8')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AbiError(`output is not JSON (starts with ${JSON.stringify(text.slice(0, 40))})`)
  }
  if (!isObject(value)) throw new AbiError('output must be a JSON object with an "action"')
  const headers = value.headers === undefined ? undefined : readHeaders(value.headers)
  switch (value.action) {
    case 'continue':
    case undefined:
      return headers ? { action: 'continue', headers } : { action: 'continue' }
    case 'refuse': {
      const status = value.status ?? 403
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) throw new AbiError('refuse: "status" must be an integer from 400 to 599')
      const type = value.type ?? 'policy_forbidden'
      if (typeof type !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(type)) throw new AbiError('refuse: "type" must be a snake_case error type, e.g. "policy_guardrail"')
      const message = value.message ?? 'Refused by a plugin'
      if (typeof message !== 'string') throw new AbiError('refuse: "message" must be a string')
      return { action: 'refuse', status, type, message: message.slice(0, MAX_MESSAGE), ...(headers ? { headers } : {}) }
    }
    case 'modify': {
      if (hook === 'preRequest') {
        if (!isObject(value.request)) throw new AbiError('modify: "request" must be the new request body (an object)')
        if (!Array.isArray(value.request.messages) && value.request.input === undefined) throw new AbiError('modify: the new request needs "messages" (chat) or "input" (embeddings)')
        return { action: 'modify', request: value.request, ...(headers ? { headers } : {}) }
      }
      if (hook === 'response') {
        if (!isObject(value.response)) throw new AbiError('modify: "response" must be the new response (an object)')
        if (!Array.isArray(value.response.choices) && !Array.isArray(value.response.data)) throw new AbiError('modify: the new response needs "choices" (chat) or "data" (embeddings)')
        return { action: 'modify', response: value.response, ...(headers ? { headers } : {}) }
      }
      throw new AbiError(`modify is not allowed in ${hook} (only in preRequest and response)`)
    }
    default:
      throw new AbiError(`unknown action ${JSON.stringify(value.action)} (continue, modify or refuse)`)
  }
}

function readHeaders(value: unknown): Record<string, string> {
  if (!isObject(value)) throw new AbiError('"headers" must be an object of strings')
  const entries = Object.entries(value)
  if (entries.length > 16) throw new AbiError('"headers": at most 16')
  const out: Record<string, string> = {}
  for (const [name, v] of entries) {
    if (!SETTABLE_HEADER.test(name) || RESERVED_HEADER.test(name) || PROXY_HEADER.test(name))
      throw new AbiError(`"headers": ${JSON.stringify(name)} may not be set (x-… names only, not the gateway's own nor one a proxy acts on)`)
    if (typeof v !== 'string' || v.length > 1024 || !HEADER_VALUE.test(v))
      throw new AbiError(`"headers": the value of ${name} must be a one-line string of at most 1024 Latin-1 characters (no control characters)`)
    out[name.toLowerCase()] = v
  }
  return out
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
