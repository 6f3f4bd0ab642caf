import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { definePlugin } from '../define.js'
import { GatewayError } from '../errors.js'
import { testPlugin } from './index.js'
import type { ChatRequest } from '../types/openai.js'

const guard = definePlugin({
  name: 'project-guard',
  options: z.object({ terms: z.array(z.string()).min(1) }),
  setup({ terms }) {
    const banned = new RegExp(terms.join('|'), 'i')
    return {
      preRequest(ctx) {
        for (const text of ctx.request.texts()) if (banned.test(text)) throw new GatewayError(403, 'policy_guardrail', 'restricted project')
      },
      response: {
        chunk: (_ctx, chunk) => ({ ...chunk, choices: chunk.choices.map((c) => ({ ...c, delta: { ...c.delta, content: c.delta.content?.replace(/echo/g, 'ECHO') } })) }),
      },
    }
  },
})

describe('testPlugin', () => {
  it('validates options with the plugin schema', async () => {
    await expect(testPlugin(guard, { terms: [] })).rejects.toThrow()
  })

  it('runs a refusal through the lifecycle', async () => {
    const t = await testPlugin(guard, { terms: ['falcon'] })
    const r = await t.request({ model: 'm', messages: [{ role: 'user', content: 'Tell me about Falcon' }] })
    expect(r.status).toBe(403)
    expect(r.error?.type).toBe('policy_guardrail')
    expect(r.record.status).toBe(403)
  })

  it('runs a stream through chunk hooks with the echo upstream', async () => {
    const t = await testPlugin(guard, { terms: ['falcon'] })
    const r = await t.request({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hello there' }] })
    expect(r.status).toBe(200)
    expect(r.chunks!.length).toBeGreaterThan(2)
    expect((r.response as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('ECHO: hello there')
    expect(r.record.usage?.total_tokens).toBeGreaterThan(0)
  })

  it('accepts a custom upstream and shows what went up', async () => {
    const rewrite = definePlugin({
      name: 'rewrite',
      setup: () => ({ preRequest: (ctx) => void (ctx.request.body as ChatRequest).messages.unshift({ role: 'system', content: 'be brief' }) }),
    })
    const t = await testPlugin(rewrite)
    const r = await t.request({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
    expect((r.upstreamBody as { messages: unknown[] }).messages[0]).toEqual({ role: 'system', content: 'be brief' })
    expect(r.ctx.request.isModified()).toBe(true)
  })
})
