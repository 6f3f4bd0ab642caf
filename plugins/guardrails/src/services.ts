import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256 } from '@aws-crypto/sha256-js'
import { z } from 'zod'

export type Source = 'input' | 'output'

export interface ServiceVerdict {
  intervened: boolean
  /** A short reason without any of the checked text (category names, policy types). */
  reason?: string
}

/** An external guardrail service. `check` must honour `signal` (timeout or client gone). */
export interface GuardrailService {
  name: string
  /** What an intervention does: refuse the request, or only record it. */
  action: 'block' | 'flag'
  /** On error or timeout: go on (true) or refuse (false, the default). */
  failOpen: boolean
  timeoutMs: number
  check(texts: string[], source: Source, signal: AbortSignal): Promise<ServiceVerdict>
}

const common = {
  timeoutMs: z.number().int().positive().default(2000),
  failOpen: z.boolean().default(false),
  action: z.enum(['block', 'flag']).default('block'),
}

export const bedrockServiceSchema = z
  .object({
    type: z.literal('bedrock'),
    guardrailId: z.string().min(1),
    guardrailVersion: z.string().min(1).default('DRAFT'),
    region: z.string().min(1).default(process.env.AWS_REGION ?? 'us-east-1'),
    /** Override the endpoint (tests, VPC endpoints). Default `https://bedrock-runtime.{region}.amazonaws.com`. */
    endpoint: z.string().url().optional(),
    /** Default: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
    credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().optional() }).optional(),
    ...common,
  })
  .strict()

export const azureServiceSchema = z
  .object({
    type: z.literal('azure'),
    /** e.g. `https://my-resource.cognitiveservices.azure.com` */
    endpoint: z.string().url(),
    key: z.string().min(1),
    apiVersion: z.string().default('2024-09-01'),
    categories: z.array(z.enum(['Hate', 'SelfHarm', 'Sexual', 'Violence'])).optional(),
    /** Intervene when a category's severity reaches this (0, 2, 4, 6). */
    severityThreshold: z.number().int().min(0).max(7).default(4),
    blocklistNames: z.array(z.string()).optional(),
    haltOnBlocklistHit: z.boolean().optional(),
    ...common,
  })
  .strict()

export const serviceSchema = z.discriminatedUnion('type', [bedrockServiceSchema, azureServiceSchema])
export type ServiceOptions = z.output<typeof serviceSchema>

export function createService(name: string, o: ServiceOptions): GuardrailService {
  return o.type === 'bedrock' ? bedrock(name, o) : azure(name, o)
}

async function postJSON(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers, body, signal })
  const text = await res.text()
  if (!res.ok) throw new Error(`guardrail service answered ${res.status}`)
  return JSON.parse(text) as unknown
}

function bedrock(name: string, o: z.output<typeof bedrockServiceSchema>): GuardrailService {
  const endpoint = new URL(o.endpoint ?? `https://bedrock-runtime.${o.region}.amazonaws.com`)
  const signer = new SignatureV4({
    service: 'bedrock',
    region: o.region,
    sha256: Sha256,
    credentials: async () => {
      const c = o.credentials ?? { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: process.env.AWS_SESSION_TOKEN }
      if (!c.accessKeyId || !c.secretAccessKey) throw new Error('bedrock guardrail: no AWS credentials')
      return c
    },
  })
  const path = `${endpoint.pathname.replace(/\/$/, '')}/guardrail/${encodeURIComponent(o.guardrailId)}/version/${encodeURIComponent(o.guardrailVersion)}/apply`
  return {
    name,
    action: o.action,
    failOpen: o.failOpen,
    timeoutMs: o.timeoutMs,
    async check(texts, source, signal) {
      const body = JSON.stringify({ source: source === 'input' ? 'INPUT' : 'OUTPUT', content: texts.map((text) => ({ text: { text } })) })
      const signed = await signer.sign({
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port ? Number(endpoint.port) : undefined,
        path,
        query: {},
        headers: { host: endpoint.host, 'content-type': 'application/json', accept: 'application/json' },
        body,
      })
      const answer = (await postJSON(`${endpoint.origin}${path}`, signed.headers as Record<string, string>, body, signal)) as {
        action?: string
        actionReason?: string
        assessments?: Array<Record<string, unknown>>
      }
      if (answer.action === 'GUARDRAIL_INTERVENED') {
        const policies = new Set<string>()
        for (const a of answer.assessments ?? []) for (const key of Object.keys(a)) if (key.endsWith('Policy')) policies.add(key)
        return { intervened: true, reason: policies.size ? [...policies].join(', ') : 'intervened' }
      }
      if (answer.action !== 'NONE') throw new Error('bedrock guardrail: unexpected answer')
      return { intervened: false }
    },
  }
}

/** Azure AI Content Safety accepts up to 10k characters per call. */
const AZURE_MAX = 10_000

function azure(name: string, o: z.output<typeof azureServiceSchema>): GuardrailService {
  const url = `${o.endpoint.replace(/\/$/, '')}/contentsafety/text:analyze?api-version=${encodeURIComponent(o.apiVersion)}`
  const headers = { 'content-type': 'application/json', 'Ocp-Apim-Subscription-Key': o.key }
  return {
    name,
    action: o.action,
    failOpen: o.failOpen,
    timeoutMs: o.timeoutMs,
    async check(texts, _source, signal) {
      const joined = texts.join('\n')
      const pieces: string[] = []
      for (let i = 0; i < joined.length; i += AZURE_MAX) pieces.push(joined.slice(i, i + AZURE_MAX))
      const answers = await Promise.all(
        pieces.map(
          (text) =>
            postJSON(
              url,
              headers,
              JSON.stringify({ text, categories: o.categories, blocklistNames: o.blocklistNames, haltOnBlocklistHit: o.haltOnBlocklistHit, outputType: 'FourSeverityLevels' }),
              signal,
            ) as Promise<{ categoriesAnalysis?: Array<{ category: string; severity?: number }>; blocklistsMatch?: Array<{ blocklistName: string }> }>,
        ),
      )
      const reasons = new Set<string>()
      for (const a of answers) {
        if (!Array.isArray(a.categoriesAnalysis)) throw new Error('azure content safety: unexpected answer')
        for (const c of a.categoriesAnalysis) if ((c.severity ?? 0) >= o.severityThreshold) reasons.add(c.category)
        for (const b of a.blocklistsMatch ?? []) reasons.add(`blocklist:${b.blocklistName}`)
      }
      return reasons.size ? { intervened: true, reason: [...reasons].join(', ') } : { intervened: false }
    },
  }
}
