import { describe, expect, it } from 'vitest'
import { bedrockAdapter } from '@sluice/provider-bedrock'
import { verifySigV4 } from './helpers/mock-bedrock.js'

// The adapter's signatures checked by a SigV4 verifier written apart from the signer (node:crypto,
// canonical request built by hand), the way the mock Bedrock checks every e2e request.

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const KEY = `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`
const at = new Date('2024-11-05T08:09:10Z')

async function signed(model: string, content: string) {
  const adapter = bedrockAdapter({ id: 'bedrock', region: 'eu-west-3', baseURL: 'https://bedrock-runtime.eu-west-3.amazonaws.com', keys: [], models: [], headers: {}, timeoutMs: 1000, now: () => at })
  const call = await adapter.chat!.request({ model, messages: [{ role: 'user', content }] }, { model, key: KEY, stream: false, usage: true })
  const url = new URL(adapter.baseURL + call.path)
  return { request: { method: 'POST', url: url.pathname + url.search, headers: call.headers! }, body: Buffer.from(call.body as string, 'utf8') }
}

describe('Bedrock SigV4, verified independently', () => {
  it('passes for model ids, inference profiles and ARNs (path segments encoded twice), with non-ASCII bodies', async () => {
    for (const model of ['amazon.nova-lite-v1:0', 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0', 'arn:aws:bedrock:eu-west-3:123456789012:application-inference-profile/a1b2c3d4e5f6']) {
      const { request, body } = await signed(model, 'Grüße, 世界 👋')
      expect(verifySigV4(request, body, CREDENTIALS, 'eu-west-3'), model).toBe('ok')
    }
  })

  it('fails when the body, the signature, the secret or the region differ', async () => {
    const { request, body } = await signed('amazon.nova-lite-v1:0', 'hello')
    expect(verifySigV4(request, Buffer.concat([body, Buffer.from(' ')]), CREDENTIALS, 'eu-west-3')).toBe('body hash mismatch')
    expect(verifySigV4(request, body, { ...CREDENTIALS, secretAccessKey: 'other' }, 'eu-west-3')).toBe('signature mismatch')
    expect(verifySigV4(request, body, CREDENTIALS, 'us-east-1')).toMatch(/^wrong scope/)
    const tampered = { ...request, headers: { ...request.headers, authorization: request.headers.authorization.replace(/.$/, (c) => (c === '0' ? '1' : '0')) } }
    expect(verifySigV4(tampered, body, CREDENTIALS, 'eu-west-3')).toBe('signature mismatch')
    const moved = { ...request, url: request.url.replace('nova-lite', 'nova-pro') }
    expect(verifySigV4(moved, body, CREDENTIALS, 'eu-west-3')).toBe('signature mismatch')
  })
})
