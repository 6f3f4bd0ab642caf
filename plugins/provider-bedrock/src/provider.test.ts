import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import type { ProviderAdapter } from '@sluice/sdk'
import plugin, { bedrockAdapter, optionsSchema, signRequest } from './index.js'

const KEY = 'AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const SUITE_DATE = new Date('2015-08-30T12:36:00Z')

describe('options', () => {
  it('needs a region and keys of the documented shape, without echoing them', () => {
    expect(optionsSchema.safeParse({ keys: [{ value: KEY }] }).success).toBe(false)
    expect(optionsSchema.safeParse({ region: 'us-east-1' }).success).toBe(false)
    const bad = optionsSchema.safeParse({ region: 'us-east-1', keys: [{ value: 'only-one-secret-part' }] })
    expect(bad.success).toBe(false)
    expect(JSON.stringify(bad.error)).not.toContain('only-one-secret-part')
    expect(optionsSchema.safeParse({ region: 'eu-central-1', keys: [{ value: `${KEY}:SESSIONTOKEN` }] }).success).toBe(true)
    expect(optionsSchema.safeParse({ region: 'us-east-1', keys: [{ value: KEY }], unknown: 1 }).success).toBe(false)
  })

  it('defaults the id and the regional endpoint', async () => {
    const instance = await plugin.setup(optionsSchema.parse({ region: 'ap-southeast-2', keys: [{ value: KEY }] }), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })
    const provider = instance.providers![0]
    expect(provider).toMatchObject({ id: 'bedrock', kind: 'bedrock', wireFormat: 'bedrock', baseURL: 'https://bedrock-runtime.ap-southeast-2.amazonaws.com' })
    expect(await provider.auth(KEY)).toEqual({})
    expect(provider.chat!.streamContentType).toBe('application/vnd.amazon.eventstream')
  })
})

describe('SigV4', () => {
  it('reproduces the AWS test suite vectors get-vanilla and post-vanilla', async () => {
    const sign = (method: 'GET' | 'POST') => signRequest({ method, url: new URL('https://example.amazonaws.com/'), headers: {}, credentials: SUITE, region: 'us-east-1', service: 'service', date: SUITE_DATE, contentHash: false })
    expect((await sign('GET')).authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    )
    expect(await sign('POST')).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    })
  })

  it('signs each Converse call for the chosen key: the serialized body, its hash, the date and the session token', async () => {
    const adapter: ProviderAdapter = bedrockAdapter({ id: 'bedrock', region: 'us-west-2', baseURL: 'https://bedrock-runtime.us-west-2.amazonaws.com/', keys: [], models: [], headers: {}, timeoutMs: 1000, now: () => SUITE_DATE })
    const model = 'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0'
    const call = await adapter.chat!.request({ model, messages: [{ role: 'user', content: 'héllo' }] }, { model, key: `${KEY}:TOKEN`, stream: true, usage: true })
    expect(call.path).toBe('/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream')
    expect(typeof call.body).toBe('string')
    expect(JSON.parse(call.body as string)).toEqual({ messages: [{ role: 'user', content: [{ text: 'héllo' }] }] })
    const headers = call.headers!
    expect(headers).toMatchObject({
      host: 'bedrock-runtime.us-west-2.amazonaws.com',
      'content-type': 'application/json',
      accept: 'application/vnd.amazon.eventstream',
      'x-amz-date': '20150830T123600Z',
      'x-amz-security-token': 'TOKEN',
      'x-amz-content-sha256': createHash('sha256').update(call.body as string, 'utf8').digest('hex'),
    })
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20150830\/us-west-2\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    )
    const traced = bedrockAdapter({ id: 'bedrock', region: 'us-west-2', baseURL: 'https://bedrock-runtime.us-west-2.amazonaws.com', keys: [], models: [], headers: { 'X-Amzn-Bedrock-Trace': 'ENABLED' }, timeoutMs: 1000, now: () => SUITE_DATE })
    const withHeader = await traced.chat!.request({ model, messages: [{ role: 'user', content: 'hi' }] }, { model, key: KEY, stream: false, usage: true })
    // Signed, and under the configured spelling, so core's merge sends it once.
    expect(withHeader.headers!['X-Amzn-Bedrock-Trace']).toBe('ENABLED')
    expect(withHeader.headers!.authorization).toContain('SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amzn-bedrock-trace,')
    // The same request signed again at the same time gives the same signature.
    const again = await adapter.chat!.request({ model, messages: [{ role: 'user', content: 'héllo' }] }, { model, key: `${KEY}:TOKEN`, stream: true, usage: true })
    expect(again.headers!.authorization).toBe(headers.authorization)
  })
})
