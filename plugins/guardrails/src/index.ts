import { definePlugin, GatewayError, isGatewayError } from '@sluice/sdk'
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, GatewayContext, ToolCallDelta } from '@sluice/sdk'
import { z } from 'zod'
import { builtinDetectors, customDetector } from './detectors.js'
import type { CustomRule, Detector } from './detectors.js'
import { applyRedactions, scan } from './scan.js'
import type { ActiveRule, Finding } from './scan.js'
import { HoldBack } from './stream.js'
import { createService, serviceSchema } from './services.js'
import type { GuardrailService, Source } from './services.js'

export { builtinDetectors, customDetector, luhn, ibanValid, shannon } from './detectors.js'
export type { Detector, Match, CustomRule, EntropyOptions } from './detectors.js'
export { scan, applyRedactions, redactionLabel } from './scan.js'
export type { ActiveRule, Finding, Action } from './scan.js'
export { HoldBack } from './stream.js'
export { createService } from './services.js'
export type { GuardrailService, ServiceVerdict, ServiceOptions } from './services.js'

const action = z.enum(['block', 'redact', 'flag', 'off'])

const profileSchema = z
  .object({
    /**
     * Action per rule. Keys: a detector id (`email`, `aws_access_key`, a custom rule name), a
     * category (`secrets`, `pii`, `custom`) or `*`. The most specific key wins; unlisted = off.
     */
    rules: z.record(z.string(), action).default({}),
    /** Check what goes up (all messages, tool results, tool-call arguments, embedding inputs). */
    input: z.boolean().default(true),
    /** Check answers (non-stream and streams). */
    output: z.boolean().default(true),
    /** Names of external services (from `services`) to call for this profile. */
    services: z.array(z.string()).default([]),
  })
  .strict()

const customRuleSchema = z.union([
  z.object({ name: z.string().min(1), type: z.string().optional(), regex: z.string().min(1), flags: z.string().regex(/^[gimsuyd]*$/).optional() }).strict(),
  z.object({ name: z.string().min(1), type: z.string().optional(), words: z.array(z.string().min(1)).min(1) }).strict(),
  z
    .object({
      name: z.string().min(1),
      type: z.string().optional(),
      detect: z.custom<(text: string) => Array<{ start: number; end: number }>>((v) => typeof v === 'function', 'detect must be a function'),
    })
    .strict(),
])

export const optionsSchema = z
  .object({
    profiles: z.record(z.string(), profileSchema).default({ default: profileSchema.parse({ rules: { secrets: 'block', high_entropy: 'flag', pii: 'redact', custom: 'block' } }) }),
    defaultProfile: z.string().default('default'),
    /** Model glob (`*` wildcard) → profile, e.g. `{ 'gpt-4o*': 'strict' }`. */
    byModel: z.record(z.string(), z.string()).default({}),
    /** `ctx.identity.team` → profile (when an auth plugin authenticated the caller). */
    byTeam: z.record(z.string(), z.string()).default({}),
    /** `ctx.identity.id` (the virtual key id) → profile. Wins over byTeam and byModel. */
    byKey: z.record(z.string(), z.string()).default({}),
    /** Custom rules: regex (with flags), word lists (case-insensitive, whole words), or functions. */
    custom: z.array(customRuleSchema).default([]),
    /** Stream hold-back window in characters: the longest span a match may have. */
    holdBack: z.number().int().min(0).max(1_000_000).default(256),
    entropy: z.object({ threshold: z.number().positive().default(4.0), minLength: z.number().int().min(8).default(20) }).strict().default({ threshold: 4.0, minLength: 20 }),
    /** When a detector throws: refuse (false, the default) or log it, record it and go on. */
    failOpen: z.boolean().default(false),
    services: z.record(z.string(), serviceSchema).default({}),
  })
  .strict()

export type GuardrailsOptions = z.input<typeof optionsSchema>

export interface GuardrailFinding {
  rule: string
  type: string
  action: 'block' | 'redact' | 'flag'
  source: Source
  count: number
}

export interface GuardrailsMeta {
  profile: string
  findings: GuardrailFinding[]
  /** The rule (or service) that refused the request, if any. */
  blocked?: { rule: string; source: Source }
  /** Detector or service errors that were let through (fail-open). */
  errors: Array<{ where: string; source: Source }>
  services: Array<{ name: string; source: Source; intervened: boolean; reason?: string; error?: boolean }>
}

declare module '@sluice/sdk' {
  interface SluiceMeta {
    guardrails?: GuardrailsMeta
  }
}

interface CompiledProfile {
  name: string
  rules: ActiveRule[]
  input: boolean
  output: boolean
  services: GuardrailService[]
}

const CATEGORIES = new Set(['secrets', 'pii', 'custom', '*'])

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i')
}

interface StreamState {
  holds: Map<string, HoldBack>
  template?: Pick<ChatChunk, 'id' | 'created' | 'model' | 'object'>
}

export default definePlugin({
  name: '@sluice/guardrails',
  options: optionsSchema,
  setup(o, { log }) {
    const detectors: Detector[] = [...builtinDetectors(o.entropy), ...o.custom.map((r) => customDetector(r as CustomRule))]
    const ids = new Set(detectors.map((d) => d.id))
    if (ids.size !== detectors.length) throw new Error('@sluice/guardrails: custom rule names must be unique and differ from built-in detector ids')
    const services = new Map(Object.entries(o.services).map(([name, s]) => [name, createService(name, s)]))

    const profiles = new Map<string, CompiledProfile>()
    for (const [name, p] of Object.entries(o.profiles)) {
      for (const key of Object.keys(p.rules)) if (!ids.has(key) && !CATEGORIES.has(key)) throw new Error(`@sluice/guardrails: profile '${name}' names an unknown rule '${key}'`)
      const rules: ActiveRule[] = []
      for (const d of detectors) {
        const a = p.rules[d.id] ?? p.rules[d.category] ?? p.rules['*'] ?? 'off'
        if (a !== 'off') rules.push({ detector: d, action: a })
      }
      const svc = p.services.map((s) => {
        const found = services.get(s)
        if (!found) throw new Error(`@sluice/guardrails: profile '${name}' names an unknown service '${s}'`)
        return found
      })
      profiles.set(name, { name, rules, input: p.input, output: p.output, services: svc })
    }
    const mapped = [o.defaultProfile, ...Object.values(o.byModel), ...Object.values(o.byTeam), ...Object.values(o.byKey)]
    for (const name of mapped) if (!profiles.has(name)) throw new Error(`@sluice/guardrails: unknown profile '${name}'`)
    const byModel = Object.entries(o.byModel).map(([glob, profile]) => ({ re: globToRegExp(glob), profile }))

    const streams = new WeakMap<object, StreamState>()
    const active = new WeakMap<object, CompiledProfile>()

    function choose(ctx: GatewayContext): CompiledProfile {
      const id = ctx.identity
      if (id) {
        const byKey = o.byKey[id.id]
        if (byKey) return profiles.get(byKey)!
        if (id.team && o.byTeam[id.team]) return profiles.get(o.byTeam[id.team])!
      }
      const model = ctx.request.model
      const bare = model.includes('/') ? model.slice(model.indexOf('/') + 1) : model
      for (const m of byModel) if (m.re.test(model) || m.re.test(bare)) return profiles.get(m.profile)!
      return profiles.get(o.defaultProfile)!
    }

    function meta(ctx: GatewayContext): GuardrailsMeta {
      let m = ctx.meta.guardrails
      if (!m) {
        const p = profileFor(ctx)
        m = { profile: p.name, findings: [], errors: [], services: [] }
        ctx.meta.guardrails = m
      }
      return m
    }

    function profileFor(ctx: GatewayContext): CompiledProfile {
      let p = active.get(ctx)
      if (!p) {
        p = choose(ctx)
        active.set(ctx, p)
      }
      return p
    }

    function record(ctx: GatewayContext, findings: Finding[], source: Source): void {
      if (!findings.length) return
      const m = meta(ctx)
      for (const f of findings) {
        const existing = m.findings.find((x) => x.rule === f.rule && x.action === f.action && x.source === source)
        if (existing) existing.count++
        else m.findings.push({ rule: f.rule, type: f.type, action: f.action, source, count: 1 })
      }
    }

    function refuse(ctx: GatewayContext, f: { rule: string; type?: string }, source: Source, param?: string): never {
      meta(ctx).blocked = { rule: f.rule, source }
      const what = source === 'input' ? 'The request' : 'The response'
      throw new GatewayError(403, 'policy_guardrail', `${what} was blocked by the guardrail rule '${f.rule}'${f.type ? ` (${f.type})` : ''}`, { code: f.rule, param: param ?? null })
    }

    /** Scans one text; throws on a block; returns the redacted text (or the same string). */
    function check(ctx: GatewayContext, text: string, rules: ActiveRule[], source: Source, param?: string): string {
      let findings: Finding[]
      try {
        findings = scan(text, rules)
      } catch (error) {
        if (isGatewayError(error) || !o.failOpen) throw error
        meta(ctx).errors.push({ where: 'detector', source })
        ctx.log.warn('guardrail detector failed; going on (failOpen)', { error: error instanceof Error ? error.message : String(error) })
        return text
      }
      if (!findings.length) return text
      record(ctx, findings, source)
      const block = findings.find((f) => f.action === 'block')
      if (block) refuse(ctx, block, source, param)
      return applyRedactions(text, findings)
    }

    async function callServices(ctx: GatewayContext, p: CompiledProfile, texts: string[], source: Source): Promise<void> {
      if (!p.services.length || !texts.some(Boolean)) return
      const m = meta(ctx)
      await Promise.all(
        p.services.map(async (s) => {
          const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(s.timeoutMs)])
          let verdict
          try {
            verdict = await s.check(texts, source, signal)
          } catch (error) {
            m.services.push({ name: s.name, source, intervened: false, error: true })
            ctx.log.warn('guardrail service failed', { service: s.name, failOpen: s.failOpen, error: error instanceof Error ? error.message : String(error) })
            if (s.failOpen) {
              m.errors.push({ where: `service:${s.name}`, source })
              return
            }
            throw new GatewayError(503, 'gateway_plugin_error', `The guardrail service '${s.name}' is unavailable`, { code: 'guardrail_unavailable' })
          }
          m.services.push({ name: s.name, source, intervened: verdict.intervened, reason: verdict.reason })
          if (verdict.intervened) {
            const finding = { rule: `service:${s.name}`, type: verdict.reason ?? 'INTERVENED', action: s.action, source, count: 1 }
            m.findings.push(finding)
            if (s.action === 'block') refuse(ctx, { rule: finding.rule }, source)
          }
        }),
      )
    }

    function checkInput(ctx: GatewayContext, p: CompiledProfile): void {
      const rules = p.rules
      if (ctx.request.operation === 'embeddings') {
        const body = ctx.request.body as EmbeddingRequest
        if (typeof body.input === 'string') {
          const next = check(ctx, body.input, rules, 'input', 'input')
          if (next !== body.input) ctx.request.body = { ...body, input: next }
        } else if (Array.isArray(body.input) && body.input.some((x) => typeof x === 'string')) {
          let changed = false
          const input = (body.input as unknown[]).map((x, i) => {
            if (typeof x !== 'string') return x
            const next = check(ctx, x, rules, 'input', `input[${i}]`)
            if (next !== x) changed = true
            return next
          })
          if (changed) ctx.request.body = { ...body, input: input as string[] }
        }
        return
      }
      const body = ctx.request.body as ChatRequest
      let changed = false
      const messages = (body.messages ?? []).map((message, i) => {
        let m = message
        const content = (message as { content?: unknown }).content
        if (typeof content === 'string') {
          const next = check(ctx, content, rules, 'input', `messages[${i}].content`)
          if (next !== content) m = { ...m, content: next } as typeof m
        } else if (Array.isArray(content)) {
          let partsChanged = false
          const parts = content.map((part: { type?: string; text?: unknown }, j: number) => {
            if (!part || part.type !== 'text' || typeof part.text !== 'string') return part
            const next = check(ctx, part.text, rules, 'input', `messages[${i}].content[${j}].text`)
            if (next === part.text) return part
            partsChanged = true
            return { ...part, text: next }
          })
          if (partsChanged) m = { ...m, content: parts } as typeof m
        }
        if (message.role === 'assistant' && message.tool_calls) {
          let callsChanged = false
          const calls = message.tool_calls.map((call, j) => {
            const args = call.function?.arguments
            if (typeof args !== 'string') return call
            const next = check(ctx, args, rules, 'input', `messages[${i}].tool_calls[${j}].function.arguments`)
            if (next === args) return call
            callsChanged = true
            return { ...call, function: { ...call.function, arguments: next } }
          })
          if (callsChanged) m = { ...m, tool_calls: calls } as typeof m
        }
        if (m !== message) changed = true
        return m
      })
      if (changed) ctx.request.body = { ...body, messages }
    }

    function checkResponse(ctx: GatewayContext, p: CompiledProfile, response: ChatResponse): ChatResponse | undefined {
      let changed = false
      const choices = response.choices.map((choice, i) => {
        const msg = choice.message
        let next = msg
        if (typeof msg.content === 'string') {
          const c = check(ctx, msg.content, p.rules, 'output', `choices[${i}].message.content`)
          if (c !== msg.content) next = { ...next, content: c }
        }
        if (msg.tool_calls) {
          let callsChanged = false
          const calls = msg.tool_calls.map((call) => {
            const a = check(ctx, call.function.arguments, p.rules, 'output', `choices[${i}].message.tool_calls`)
            if (a === call.function.arguments) return call
            callsChanged = true
            return { ...call, function: { ...call.function, arguments: a } }
          })
          if (callsChanged) next = { ...next, tool_calls: calls }
        }
        if (next === msg) return choice
        changed = true
        return { ...choice, message: next }
      })
      return changed ? { ...response, choices } : undefined
    }

    function release(ctx: GatewayContext, hold: HoldBack, text: string | null, p: CompiledProfile): string {
      let out: { text: string; findings: Finding[] }
      try {
        out = text === null ? hold.end() : hold.push(text)
      } catch (error) {
        if (isGatewayError(error) || !o.failOpen) throw error
        meta(ctx).errors.push({ where: 'detector', source: 'output' })
        return text ?? ''
      }
      record(ctx, out.findings, 'output')
      const block = out.findings.find((f) => f.action === 'block')
      if (block) refuse(ctx, block, 'output')
      void p
      return out.text
    }

    function streamState(ctx: GatewayContext): StreamState {
      let s = streams.get(ctx)
      if (!s) {
        s = { holds: new Map() }
        streams.set(ctx, s)
      }
      return s
    }

    const holdFor = (s: StreamState, p: CompiledProfile, key: string) => {
      let h = s.holds.get(key)
      if (!h) {
        h = new HoldBack(p.rules, o.holdBack)
        s.holds.set(key, h)
      }
      return h
    }

    /** Releases everything held for one choice, as text for the content and per tool call. */
    function drainChoice(ctx: GatewayContext, s: StreamState, p: CompiledProfile, index: number): { content: string; tools: ToolCallDelta[] } {
      let content = ''
      const tools: ToolCallDelta[] = []
      for (const [key, hold] of s.holds) {
        const [c, kind, t] = key.split(':')
        if (Number(c) !== index) continue
        const rest = release(ctx, hold, null, p)
        s.holds.delete(key)
        if (!rest) continue
        if (kind === 'c') content += rest
        else tools.push({ index: Number(t), function: { arguments: rest } })
      }
      return { content, tools }
    }

    return {
      preRequest: async (ctx) => {
        const p = profileFor(ctx)
        meta(ctx)
        if (!p.input) return
        if (p.rules.length) checkInput(ctx, p)
        await callServices(ctx, p, ctx.request.texts(), 'input')
      },
      response: {
        chunk(ctx, chunk) {
          const p = profileFor(ctx)
          if (!p.output || !p.rules.length) return undefined
          const s = streamState(ctx)
          s.template ??= { id: chunk.id, created: chunk.created, model: chunk.model, object: chunk.object }
          let changed = false
          const choices = chunk.choices.map((choice) => {
            const d = choice.delta
            if (!d) return choice
            let delta = d
            if (typeof d.content === 'string' && d.content) {
              delta = { ...delta, content: release(ctx, holdFor(s, p, `${choice.index}:c`), d.content, p) }
              changed = true
            }
            if (d.tool_calls?.some((t) => t.function?.arguments)) {
              const calls = d.tool_calls
                .map((t) => (t.function?.arguments ? { ...t, function: { ...t.function, arguments: release(ctx, holdFor(s, p, `${choice.index}:t:${t.index}`), t.function.arguments, p) } } : t))
                .filter((t) => t.id || t.type || t.function?.name || t.function?.arguments)
              delta = { ...delta, tool_calls: calls.length ? calls : undefined }
              if (!calls.length) delete delta.tool_calls
              changed = true
            }
            if (choice.finish_reason) {
              const rest = drainChoice(ctx, s, p, choice.index)
              if (rest.content) delta = { ...delta, content: (delta.content ?? '') + rest.content }
              if (rest.tools.length) delta = { ...delta, tool_calls: [...(delta.tool_calls ?? []), ...rest.tools] }
              changed = changed || !!rest.content || rest.tools.length > 0
            }
            return delta === d ? choice : { ...choice, delta }
          })
          if (!changed) return undefined
          const next: ChatChunk = { ...chunk, choices }
          const says = next.usage || choices.some((c) => c.finish_reason || c.delta.role || c.delta.content || c.delta.refusal || c.delta.tool_calls?.length || c.delta.reasoning_content)
          return says ? next : null
        },
        flush(ctx) {
          const s = streams.get(ctx)
          if (!s || !s.holds.size || !s.template) return undefined
          const p = profileFor(ctx)
          const indexes = new Set([...s.holds.keys()].map((k) => Number(k.split(':')[0])))
          const out: ChatChunk[] = []
          for (const index of indexes) {
            const rest = drainChoice(ctx, s, p, index)
            if (!rest.content && !rest.tools.length) continue
            out.push({ ...s.template, choices: [{ index, delta: { ...(rest.content ? { content: rest.content } : {}), ...(rest.tools.length ? { tool_calls: rest.tools } : {}) }, finish_reason: null }] })
          }
          return out
        },
        async complete(ctx, response, info) {
          if (info.stream) return undefined
          const p = profileFor(ctx)
          if (!p.output) return undefined
          if (!('choices' in response)) return undefined
          const chat = response as ChatResponse
          const next = p.rules.length ? checkResponse(ctx, p, chat) : undefined
          const final = next ?? chat
          await callServices(
            ctx,
            p,
            final.choices.map((c) => (typeof c.message.content === 'string' ? c.message.content : '')),
            'output',
          )
          return next
        },
      },
      postLog(ctx, rec) {
        const m = ctx.meta.guardrails
        if (m && (m.findings.length || m.errors.length))
          ctx.log.info('guardrail findings', { request: rec.id, profile: m.profile, findings: m.findings, blocked: m.blocked, errors: m.errors.length })
      },
    }
  },
})
