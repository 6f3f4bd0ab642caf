import { generateKeyPairSync, verify } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProviderAdapter } from '@sluice/sdk'
import plugin, { optionsSchema } from './index.js'
import { vertexAuth, vertexBaseURL } from './vertex.js'
import type { VertexOptions } from './vertex.js'
import { vertexModelPath } from './paths.js'

// google-auth-library runs for real: it signs a JWT with the service account's key and trades it
// for an access token at a local OAuth server that checks the signature.

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const EMAIL = 'sluice-test@acme-ai.iam.gserviceaccount.com'

interface TokenServer {
  url: string
  issued: number
  expiresIn: number
  fail: boolean
  claims: Record<string, unknown>[]
  server: Server
}

let oauth: TokenServer
let serviceAccount: Record<string, string>

beforeAll(async () => {
  oauth = { url: '', issued: 0, expiresIn: 3600, fail: false, claims: [], server: createServer() }
  oauth.server.on('request', (req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      const [header, payload, signature] = (form.get('assertion') ?? '').split('.')
      const valid = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && !!signature && verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))
      if (!valid || oauth.fail) {
        res.writeHead(400, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }))
      }
      oauth.claims.push(JSON.parse(Buffer.from(payload, 'base64url').toString()))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ access_token: `ya29.mock-token-${++oauth.issued}`, expires_in: oauth.expiresIn, token_type: 'Bearer' }))
    })
  })
  await new Promise<void>((resolve) => oauth.server.listen(0, '127.0.0.1', resolve))
  oauth.url = `http://127.0.0.1:${(oauth.server.address() as AddressInfo).port}/token`
  serviceAccount = {
    type: 'service_account',
    project_id: 'acme-ai',
    private_key_id: 'key-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: EMAIL,
    client_id: '1234567890',
    // google-auth-library 10 ignores token_uri for service accounts (it posts to Google's fixed
    // endpoint); the transport below sends that call here instead.
    token_uri: oauth.url,
  }
})

afterAll(async () => {
  await new Promise<void>((resolve) => oauth?.server.close(() => resolve()))
})

/** gaxios' fetch, with Google's token endpoint answered by the local server (nothing else leaves). */
const offline = {
  clientOptions: {
    transporterOptions: {
      fetchImplementation: ((input: string | URL | Request, init?: RequestInit) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
        if (url !== 'https://oauth2.googleapis.com/token') throw new Error(`unexpected call to ${url}`)
        return fetch(oauth.url, init)
      }) as typeof fetch,
    },
  },
}

const vertex = (extra: Partial<VertexOptions> = {}): VertexOptions => ({ project: 'acme-ai', location: 'europe-west4', apiVersion: 'v1', credentials: serviceAccount, ...extra })

async function adapter(options: unknown): Promise<ProviderAdapter> {
  const instance = await plugin.setup(optionsSchema.parse(options), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })
  return instance.providers![0]
}

describe('Vertex AI endpoints', () => {
  it('builds regional, global and overridden base URLs', () => {
    expect(vertexBaseURL({ project: 'acme-ai', location: 'us-central1', apiVersion: 'v1' })).toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/acme-ai/locations/us-central1')
    expect(vertexBaseURL({ project: 'acme-ai', location: 'global', apiVersion: 'v1' })).toBe('https://aiplatform.googleapis.com/v1/projects/acme-ai/locations/global')
    expect(vertexBaseURL({ project: 'acme-ai', location: 'europe-west4', apiVersion: 'v1beta1' })).toBe('https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/acme-ai/locations/europe-west4')
    expect(vertexBaseURL({ project: 'acme-ai', location: 'us-east5', apiVersion: 'v1' }, 'http://127.0.0.1:9999/v1/')).toBe('http://127.0.0.1:9999/v1/projects/acme-ai/locations/us-east5')
  })

  it('puts Google, partner and deployed models under their publisher or endpoint', () => {
    expect(vertexModelPath('gemini-2.5-pro')).toBe('publishers/google/models/gemini-2.5-pro')
    expect(vertexModelPath('anthropic/claude-sonnet-4')).toBe('publishers/anthropic/models/claude-sonnet-4')
    expect(vertexModelPath('endpoints/123456')).toBe('endpoints/123456')
  })

  it('configures a Vertex instance: no keys needed, default location, calls and embeddings routed by model', async () => {
    const a = await adapter({ vertex: { project: 'acme-ai', credentials: JSON.stringify(serviceAccount) }, models: ['gemini-2.5-pro'] })
    expect(a).toMatchObject({ id: 'vertex', kind: 'vertex', wireFormat: 'gemini', baseURL: 'https://us-central1-aiplatform.googleapis.com/v1/projects/acme-ai/locations/us-central1', keys: [] })
    const call = { model: 'gemini-2.5-pro', key: '', stream: true, usage: false }
    expect((await a.chat!.request({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }, call)).path).toBe('/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse')
    const predict = await a.embeddings!.request({ model: 'text-embedding-005', input: ['a', 'b'], dimensions: 256, gemini: { taskType: 'RETRIEVAL_DOCUMENT' } }, { ...call, model: 'text-embedding-005' })
    expect(predict).toEqual({ path: '/publishers/google/models/text-embedding-005:predict', body: { instances: [{ content: 'a', task_type: 'RETRIEVAL_DOCUMENT' }, { content: 'b', task_type: 'RETRIEVAL_DOCUMENT' }], parameters: { outputDimensionality: 256 } } })
    const embedCall = { ...call, model: 'text-embedding-005' }
    expect(a.embeddings!.response({ predictions: [{ embeddings: { values: [0.5], statistics: { token_count: 3 } } }, { embeddings: { values: [1], statistics: { token_count: 2 } } }] }, embedCall)).toMatchObject({ data: [{ embedding: [0.5] }, { embedding: [1] }], usage: { prompt_tokens: 5 } })
    const batch = await a.embeddings!.request({ model: 'gemini-embedding-2', input: 'a' }, { ...call, model: 'gemini-embedding-2' })
    expect(batch).toEqual({ path: '/publishers/google/models/gemini-embedding-2:batchEmbedContents', body: { requests: [{ model: 'projects/acme-ai/locations/us-central1/publishers/google/models/gemini-embedding-2', content: { parts: [{ text: 'a' }] } }] } })
  })

  it('validates the vertex options', () => {
    expect(optionsSchema.safeParse({ vertex: { project: 'p', credentials: '{not json' } }).success).toBe(false)
    expect(optionsSchema.safeParse({ vertex: { project: 'p', credentials: serviceAccount, keyFile: 'sa.json' } }).success).toBe(false)
    expect(optionsSchema.safeParse({ vertex: { project: 'p', location: 'Europe West' } }).success).toBe(false)
    expect(optionsSchema.safeParse({ vertex: { project: 'p', region: 'x' } }).success).toBe(false)
  })
})

describe('Vertex AI auth through google-auth-library', () => {
  it('returns a bearer token from a signed service-account JWT, and caches it', async () => {
    const before = oauth.issued
    const auth = vertexAuth('vertex', vertex(), '.', offline)
    const first = await auth()
    expect(first).toEqual({ authorization: `Bearer ya29.mock-token-${before + 1}` })
    expect(await auth()).toEqual(first)
    expect(oauth.issued).toBe(before + 1)
    const claims = oauth.claims.at(-1)!
    expect(claims).toMatchObject({ iss: EMAIL, scope: 'https://www.googleapis.com/auth/cloud-platform', aud: 'https://oauth2.googleapis.com/token' })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600)
  })

  it('refreshes a token about to expire', async () => {
    oauth.expiresIn = 60 // inside the library's 5-minute early-refresh window
    try {
      const auth = vertexAuth('vertex', vertex(), '.', offline)
      const a = await auth()
      const b = await auth()
      expect(a.authorization).not.toBe(b.authorization)
    } finally {
      oauth.expiresIn = 3600
    }
  })

  it('reads the key from keyFile, relative to the config directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-vertex-'))
    writeFileSync(path.join(dir, 'sa.json'), JSON.stringify(serviceAccount))
    const auth = vertexAuth('vertex', vertex({ credentials: undefined, keyFile: 'sa.json' }), dir, offline)
    expect((await auth()).authorization).toMatch(/^Bearer ya29\.mock-token-\d+$/)
  })

  it('turns a refused exchange into 502 provider_authentication without echoing the key', async () => {
    oauth.fail = true
    try {
      const error = await vertexAuth('vertex', vertex(), '.', offline)().catch((e: unknown) => e)
      expect(error).toMatchObject({ status: 502, type: 'provider_authentication', message: expect.stringContaining('invalid_grant') })
      expect(String((error as Error).message)).not.toContain('PRIVATE KEY')
    } finally {
      oauth.fail = false
    }
  })
})
