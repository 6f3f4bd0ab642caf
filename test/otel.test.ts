import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: { key: string; value: Record<string, unknown> }[]
}

/** A local OTLP/HTTP receiver: collects the spans the exporter posts as JSON. */
async function startReceiver() {
  const spans: OtlpSpan[] = []
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (p: Buffer) => parts.push(p))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { spans, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value
  if (!v) return undefined
  if ('arrayValue' in v) return (v.arrayValue as { values: { stringValue: string }[] }).values.map((x) => x.stringValue)
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue)
}

let receiver: Awaited<ReturnType<typeof startReceiver>>
let upstream: OpenAIUpstream
let down: OpenAIUpstream
let gateway: Gateway

beforeAll(async () => {
  receiver = await startReceiver()
  upstream = await startOpenAIUpstream()
  down = await startOpenAIUpstream()
  gateway = await createGateway({
    log: { level: 'silent' },
    plugins: [
      ['@sluice/otel', { endpoint: receiver.url }],
      ['@sluice/provider-openai', { id: 'broken', baseURL: down.url, keys: [{ value: 'sk-broken-000000000000' }], models: ['m-broken'] }],
      ['@sluice/provider-openai', { id: 'openai', baseURL: upstream.url, keys: [{ value: 'sk-upstream-00000000000' }], models: ['gpt-4o-mini'] }],
    ],
    routes: { smart: { targets: ['broken/gpt-4o-mini'], fallbacks: ['openai/gpt-4o-mini'], retry: { attempts: 1 } } },
  })
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await receiver?.close()
  await upstream?.close()
  await down?.close()
})

describe('@sluice/otel', () => {
  it('exports a span per request and per attempt with GenAI attributes, under the caller’s trace', async () => {
    const traceId = '4bf92f3577b34da6a1f4c6b5b0f1c2d3'
    const callerSpan = '00f067aa0ba902b7'
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0, defaultHeaders: { traceparent: `00-${traceId}-${callerSpan}-01` } })
    // A routed request whose target and fallback both fail: one span, two attempt children.
    const before = down.received.length
    await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'error:500' }] }).catch(() => {})
    expect(down.received.length).toBe(before + 1)
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'trace me' }] })
    expect(r.choices[0].message.content).toBe('You said: trace me')
    const sentTraceparent = String(upstream.received.at(-1)!.headers.traceparent)
    await gateway.close() // flushes the batch
    const server = receiver.spans.filter((s) => s.kind === 2)
    const plain = server.find((s) => attr(s, 'gen_ai.request.model') === 'gpt-4o-mini')!
    expect(plain).toBeDefined()
    expect(plain.name).toBe('chat gpt-4o-mini')
    expect(plain.traceId).toBe(traceId)
    expect(plain.parentSpanId).toBe(callerSpan)
    expect(attr(plain, 'gen_ai.system')).toBe('openai')
    expect(attr(plain, 'gen_ai.response.model')).toBe('gpt-4o-mini')
    expect(attr(plain, 'gen_ai.usage.input_tokens')).toBe(11)
    expect(attr(plain, 'gen_ai.usage.output_tokens')).toBe(7)
    expect(attr(plain, 'gen_ai.response.finish_reasons')).toEqual(['stop'])
    // Upstream joined the trace, under the gateway's span.
    expect(sentTraceparent).toBe(`00-${traceId}-${plain.spanId}-01`)
    const attempts = receiver.spans.filter((s) => s.kind === 3 && s.parentSpanId === plain.spanId)
    expect(attempts).toHaveLength(1)
    // The routed request: one span, two attempt children, the failed one marked.
    const routed = server.find((s) => attr(s, 'gen_ai.request.model') === 'smart')!
    const children = receiver.spans.filter((s) => s.parentSpanId === routed.spanId)
    expect(children.map((c) => attr(c, 'gen_ai.system'))).toEqual(['broken', 'openai'])
    expect(attr(children[0], 'error.type')).toBe('provider_error')
    expect(JSON.stringify(receiver.spans)).not.toContain('sk-upstream-00000000000')
  })
})
