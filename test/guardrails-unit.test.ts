import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testPlugin } from '@sluice/sdk/testing'
import type { ChatChunk, ChatRequest, ChatResponse } from '@sluice/sdk'
import guardrails, { builtinDetectors, HoldBack, scan } from '@sluice/guardrails'
import type { GuardrailsOptions } from '@sluice/guardrails'

const all = builtinDetectors().map((detector) => ({ detector, action: 'redact' as const }))
const rulesOf = (text: string) => scan(text, all).map((f) => f.rule)

const jwt = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"42"}').toString('base64url')}.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`
const pem = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpI\n-----END RSA PRIVATE KEY-----`

const positives: Array<[string, string]> = [
  ['aws_access_key', 'key AKIAIOSFODNN7EXAMPLE here'],
  ['aws_secret_key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['gcp_service_account', '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n","client_email":"a@p.iam.gserviceaccount.com"}'],
  ['azure_connection_string', 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net'],
  ['openai_key', 'OPENAI_API_KEY=sk-proj-Ab3dEf9hIjK1mNoPqRsTuVwXyZ0123456789abcd'],
  ['anthropic_key', 'sk-ant-api03-Zq8xLm2Nv4Bc7Rt1Yu9Wk3Sd5Fg6Hj0KlPoIuYtReWq-AA'],
  ['github_token', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a ok'],
  ['gitlab_token', 'glpat-xYz12AbC34dEf56GhI78'],
  ['slack_token', 'xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx'],
  ['stripe_key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  ['jwt', `Bearer ${jwt}`],
  ['private_key', pem],
  ['password', '{"user": "admin", "password": "Tr0ub4dor&3"}'],
  ['password', 'DB_PASSWORD=hunter2x'],
  ['high_entropy', 'api key: Zx9Qp2LmN4vB7rT1yU8wK3sD'],
  ['email', 'write to jane.doe+work@example.co.uk please'],
  ['phone', 'call +1 (415) 555-2671'],
  ['phone', 'call +447911123456'],
  ['phone', 'tel 01 42 68 53 00'],
  ['credit_card', 'card 4111-1111-1111-1111'],
  ['credit_card', 'amex 378282246310005'],
  ['iban', 'IBAN DE89 3704 0044 0532 0130 00'],
  ['ssn', 'ssn 536-22-1234'],
  ['ipv4', 'from 203.0.113.9 today'],
  ['ipv6', 'from 2001:db8::ff00:42:8329 today'],
]

const negatives: string[] = [
  'id 123e4567-e89b-12d3-a456-426614174000',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
  'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'test card 4111 1111 1111 1112',
  'released v1.2.3 on 2024-01-15; version 10.0.19045.3693',
  'const password = req.body.password; password: string',
  '"password": "********"',
  'npm i react@18.2.0; icon@2x.png',
  'std::vector<int> v; MAC 00:1A:2B:3C:4D:5E; 12:30:45',
  'invalid ssn 666-12-3456 and 000-12-3456 and 900-12-3456',
  'DE89 3704 0044 0532 0130 01',
  'getUserProfileById2 src/components/HeaderNavigation',
  'Order 2024-000123, build 20240115.7',
]

describe('detectors', () => {
  it.each(positives)('%s finds its positive', (rule, text) => {
    expect(rulesOf(text)).toContain(rule)
  })
  it.each(negatives)('no finding in the hard negative %s', (text) => {
    expect(rulesOf(text)).toEqual([])
  })
})

const req = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra })
const base: GuardrailsOptions = {
  profiles: {
    default: { rules: { secrets: 'block', pii: 'redact', ipv4: 'flag' } },
    strict: { rules: { '*': 'block' } },
    lenient: { rules: { email: 'flag' } },
    outputOnly: { input: false, rules: { secrets: 'redact', pii: 'redact' } },
  },
  byModel: { 'gpt-4o*': 'default', 'claude-*': 'strict' },
  byTeam: { red: 'lenient' },
  custom: [
    { name: 'falcon', words: ['Project Falcon', 'falcon-x'] },
    { name: 'ticket', regex: 'tick-\\d{4}', flags: 'i', type: 'TICKET' },
  ],
}

describe('actions through the lifecycle engine', () => {
  it('blocks a secret without echoing it', async () => {
    const t = await testPlugin(guardrails, base)
    const r = await t.request(req('my key is AKIAIOSFODNN7EXAMPLE'))
    expect(r.status).toBe(403)
    expect(r.error?.type).toBe('policy_guardrail')
    expect(r.error?.message).toContain('aws_access_key')
    expect(r.error?.message).not.toContain('AKIAIOSFODNN7EXAMPLE')
    expect(r.upstreamBody).toBeUndefined()
  })

  it('redacts PII in every text that goes up: system, parts, tool results, tool-call arguments', async () => {
    const t = await testPlugin(guardrails, base)
    const r = await t.request({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Admin is root@corp.example.com' },
        { role: 'user', content: [{ type: 'text', text: 'my card 4111 1111 1111 1111' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'mail', arguments: '{"to":"bob@example.org"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sent to +1 415 555 2671' },
      ],
    })
    expect(r.status).toBe(200)
    const up = JSON.stringify(r.upstreamBody)
    expect(up).toContain('[REDACTED:EMAIL]')
    expect(up).toContain('[REDACTED:CREDIT_CARD]')
    expect(up).toContain('[REDACTED:PHONE]')
    expect(up).not.toMatch(/root@corp|bob@example|4111 1111|555 2671/)
    expect(JSON.parse(((r.upstreamBody as ChatRequest).messages[2] as { tool_calls: Array<{ function: { arguments: string } }> }).tool_calls[0].function.arguments)).toEqual({ to: '[REDACTED:EMAIL]' })
    expect(r.ctx.meta.guardrails?.findings.map((f) => f.rule).sort()).toEqual(['credit_card', 'email', 'phone'])
  })

  it('flags and passes, exposing findings (never the text) in ctx.meta for postLog', async () => {
    const t = await testPlugin(guardrails, base)
    const r = await t.request(req('ping 203.0.113.9'))
    expect(r.status).toBe(200)
    expect((r.upstreamBody as ChatRequest).messages[0].content).toBe('ping 203.0.113.9')
    expect(r.ctx.meta.guardrails?.profile).toBe('default')
    expect(r.ctx.meta.guardrails?.findings.filter((f) => f.source === 'input')).toEqual([{ rule: 'ipv4', type: 'IP_ADDRESS', action: 'flag', source: 'input', count: 1 }])
    expect(JSON.stringify(r.ctx.meta.guardrails)).not.toContain('203.0.113.9')
  })

  it('custom word lists (case-insensitive, whole words) and regex rules', async () => {
    const t = await testPlugin(guardrails, { ...base, byModel: {}, byTeam: {}, profiles: { default: { rules: { custom: 'redact' } } } })
    const r = await t.request(req('About project falcon and FALCON-X, not falconry; see TICK-1234'))
    expect((r.upstreamBody as ChatRequest).messages[0].content).toBe('About [REDACTED:FALCON] and [REDACTED:FALCON], not falconry; see [REDACTED:TICKET]')
  })

  it('redacts and blocks non-stream answers', async () => {
    const t = await testPlugin(guardrails, base)
    const upstream = (text: string) => (): ChatResponse => ({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] })
    const r = await t.request(req('hi'), { upstream: upstream('mail me at a.b@example.com') })
    expect((r.response as ChatResponse).choices[0].message.content).toBe('mail me at [REDACTED:EMAIL]')
    const b = await t.request(req('hi'), { upstream: upstream('the key is ghp_16C7e42F292c6912E7710c838347Ae178B4a') })
    expect(b.status).toBe(403)
    expect(b.error?.message).not.toContain('ghp_')
  })

  it('chooses the profile by key, team and model', async () => {
    const auth = { plugin: (await import('@sluice/sdk')).definePlugin({ name: 'auth', setup: () => ({ policy: (ctx) => void ctx.authenticate({ id: String(ctx.request.headers['x-key']), team: String(ctx.request.headers['x-team']) }) }) }) }
    const t = await testPlugin(guardrails, { ...base, byKey: { 'vk-strict': 'strict' } }, [auth])
    const email = 'x jane@example.com'
    expect((await t.request(req(email, { model: 'claude-3' }))).status).toBe(403)
    expect((await t.request(req(email), { headers: { 'x-key': 'vk-1', 'x-team': 'red' } })).ctx.meta.guardrails?.profile).toBe('lenient')
    expect((await t.request(req(email), { headers: { 'x-key': 'vk-strict', 'x-team': 'red' } })).status).toBe(403)
    expect(((await t.request(req(email))).upstreamBody as ChatRequest).messages[0].content).toBe('x [REDACTED:EMAIL]')
  })

  it('fails closed when a detector throws, and open when asked', async () => {
    const boom = { name: 'boom', detect: () => { throw new Error('detector exploded with 10.0.0.7') } }
    const closed = await testPlugin(guardrails, { profiles: { default: { rules: { boom: 'block' } } }, custom: [boom] })
    const r = await closed.request(req('hello'))
    expect(r.status).toBe(500)
    const open = await testPlugin(guardrails, { failOpen: true, profiles: { default: { rules: { boom: 'block' } } }, custom: [boom] })
    const o = await open.request(req('hello'))
    expect(o.status).toBe(200)
    expect(o.ctx.meta.guardrails?.errors).toContainEqual({ where: 'detector', source: 'input' })
  })

  it('rejects unknown rule and profile names at setup', async () => {
    await expect(testPlugin(guardrails, { profiles: { default: { rules: { nope: 'block' } } } })).rejects.toThrow(/unknown rule/)
    await expect(testPlugin(guardrails, { byTeam: { red: 'missing' } })).rejects.toThrow(/unknown profile/)
  })
})

const chunk = (content: string | undefined, finish: string | null = null): ChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }] })
const charStream = (text: string, size = 3) => () => [...(text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? []).map((p) => chunk(p)), chunk(undefined, 'stop')]
const streamed = (r: { chunks?: ChatChunk[] }) => (r.chunks ?? []).map((c) => c.choices[0]?.delta.content ?? '').join('')

describe('streams', () => {
  const opts: GuardrailsOptions = { profiles: { default: { input: false, rules: { secrets: 'redact', pii: 'redact', openai_key: 'block' } } } }

  it('redacts a secret split across many chunks', async () => {
    const t = await testPlugin(guardrails, opts)
    const text = 'here: AKIAIOSFODNN7EXAMPLE and mail jane.doe@example.com, bye'
    const r = await t.request(req('x', { stream: true }), { upstream: charStream(text) })
    expect(streamed(r)).toBe('here: [REDACTED:AWS_ACCESS_KEY] and mail [REDACTED:EMAIL], bye')
    for (const c of r.chunks!) expect(c.choices[0]?.delta.content ?? '').not.toMatch(/AKIA|jane/)
  })

  it('holds a PEM block until its END line, longer than the window', async () => {
    const t = await testPlugin(guardrails, { ...opts, holdBack: 32 })
    const r = await t.request(req('x', { stream: true }), { upstream: charStream(`key:\n${pem}\ndone`, 5) })
    expect(streamed(r)).toBe('key:\n[REDACTED:PRIVATE_KEY]\ndone')
  })

  it('ends the stream with an error on a block, without leaking the held text', async () => {
    const t = await testPlugin(guardrails, opts)
    const r = await t.request(req('x', { stream: true }), { upstream: charStream('the key is sk-proj-Ab3dEf9hIjK1mNoPqRsTuVwXyZ0123456789abcd ok', 4) })
    expect(r.status).toBe(403)
    expect(r.error?.type).toBe('policy_guardrail')
    expect(JSON.stringify(r.chunks ?? [])).not.toContain('sk-proj')
  })

  it('HoldBack releases the safe prefix and keeps the window', () => {
    const h = new HoldBack(all, 10)
    expect(h.push('0123456789abcdefghij').text).toBe('0123456789')
    expect(h.held).toBe(10)
    expect(h.end().text).toBe('abcdefghij')
  })

  it('redacts tool-call argument deltas', async () => {
    const t = await testPlugin(guardrails, opts)
    const args = '{"email":"jane.doe@example.com"}'
    const up = () => [
      { ...chunk(undefined), choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 't', type: 'function' as const, function: { name: 'f', arguments: '' } }] }, finish_reason: null }] },
      ...(args.match(/.{1,4}/g) ?? []).map((a) => ({ ...chunk(undefined), choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: a } }] }, finish_reason: null }] })),
      chunk(undefined, 'tool_calls'),
    ]
    const r = await t.request(req('x', { stream: true }), { upstream: up })
    const joined = (r.chunks ?? []).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((d) => d.function?.arguments ?? '').join('')
    expect(joined).toBe('{"email":"[REDACTED:EMAIL]"}')
  })
})

describe('external services', () => {
  let server: http.Server
  let url = ''
  const seen: Array<{ path: string; headers: http.IncomingHttpHeaders; body: any }> = []
  beforeAll(async () => {
    server = http.createServer((rq, rs) => {
      let data = ''
      rq.on('data', (d) => (data += d))
      rq.on('end', () => {
        const body = JSON.parse(data || '{}')
        seen.push({ path: rq.url!, headers: rq.headers, body })
        const text: string = rq.url!.startsWith('/guardrail') ? body.content.map((c: any) => c.text.text).join(' ') : body.text
        if (text.includes('slow')) return void setTimeout(() => rs.end('{}'), 500)
        rs.setHeader('content-type', 'application/json')
        if (rq.url!.startsWith('/guardrail'))
          rs.end(JSON.stringify(text.includes('violent') ? { action: 'GUARDRAIL_INTERVENED', outputs: [{ text: 'blocked' }], assessments: [{ contentPolicy: { filters: [{ type: 'VIOLENCE', confidence: 'HIGH', action: 'BLOCKED' }] } }] } : { action: 'NONE', outputs: [], assessments: [] }))
        else rs.end(JSON.stringify({ blocklistsMatch: [], categoriesAnalysis: [{ category: 'Hate', severity: 0 }, { category: 'Violence', severity: text.includes('violent') ? 6 : 0 }] }))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  const svcOpts = (failOpen = false): GuardrailsOptions => ({
    profiles: { default: { rules: {}, services: ['bedrock', 'azure'] } },
    services: {
      bedrock: { type: 'bedrock', guardrailId: 'gr-1', guardrailVersion: '2', region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, timeoutMs: 200, failOpen },
      azure: { type: 'azure', endpoint: url, key: 'az-key', timeoutMs: 200, failOpen },
    },
  })

  it('calls Bedrock ApplyGuardrail (SigV4) and Azure Content Safety; passes clean text', async () => {
    const t = await testPlugin(guardrails, svcOpts())
    seen.length = 0
    const r = await t.request(req('a peaceful question'))
    expect(r.status).toBe(200)
    const bedrock = seen.find((s) => s.path.startsWith('/guardrail'))!
    expect(bedrock.path).toBe('/guardrail/gr-1/version/2/apply')
    expect(bedrock.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request/)
    expect(bedrock.body).toEqual({ source: 'INPUT', content: [{ text: { text: 'a peaceful question' } }] })
    const azure = seen.find((s) => s.path.startsWith('/contentsafety'))!
    expect(azure.path).toBe('/contentsafety/text:analyze?api-version=2024-09-01')
    expect(azure.headers['ocp-apim-subscription-key']).toBe('az-key')
    expect(r.ctx.meta.guardrails?.services.filter((s) => s.source === 'input').map((s) => [s.name, s.intervened]).sort()).toEqual([['azure', false], ['bedrock', false]])
  })

  it('blocks when a service intervenes, on input and on output', async () => {
    const t = await testPlugin(guardrails, svcOpts())
    const r = await t.request(req('something violent'))
    expect(r.status).toBe(403)
    expect(r.error?.message).toMatch(/service:(bedrock|azure)/)
    const o = await t.request(req('fine'), { upstream: () => ({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'a violent answer' }, finish_reason: 'stop' }] }) })
    expect(o.status).toBe(403)
  })

  it('times out: fails closed by default, open when configured', async () => {
    const closed = await testPlugin(guardrails, svcOpts(false))
    const c = await closed.request(req('slow question'))
    expect(c.status).toBe(503)
    const open = await testPlugin(guardrails, svcOpts(true))
    const o = await open.request(req('slow question'))
    expect(o.status).toBe(200)
    expect(o.ctx.meta.guardrails?.errors.filter((e) => e.source === 'input').length).toBe(2)
  })
})
