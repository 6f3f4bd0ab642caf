// One gateway as an organisation runs it: metrics, request log, governance, guardrails, WASM
// plugins, the semantic cache and three providers speaking the OpenAI, Anthropic and Gemini wire
// formats. The integration tests (test/org-*.test.ts) start it on a free loopback port.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import type { SluiceConfig } from '@sluice/sdk'
import { startOpenAIUpstream } from './openai-upstream.ts'
import type { OpenAIUpstream } from './openai-upstream.ts'
import { startMockAnthropic } from './mock-anthropic.ts'
import type { MockAnthropic } from './mock-anthropic.ts'
import { startMockGemini } from './mock-gemini.ts'
import type { MockGemini } from './mock-gemini.ts'
import { startHeldUpstream } from './held-upstream.ts'
import type { HeldUpstream } from './held-upstream.ts'
import { FIXTURE_MODEL } from './semantic-cache.ts'
import { ROOT } from './cli.ts'

export const ADMIN = 'admin-token-org-0123456789abcdef'
/** Virtual keys, by what they are for. */
export const KEYS = {
  app: 'sk-org-app-0123456789abcdefghij', // team support: everything allowed, a roomy budget
  narrow: 'sk-org-narrow-0123456789abcdefgh', // gpt-4o-mini only
  broke: 'sk-org-broke-0123456789abcdefghi', // a budget one answer spends
  slow: 'sk-org-slow-0123456789abcdefghij', // three requests a day
  strict: 'sk-org-strict-0123456789abcdefgh', // guardrails block secrets on input
}

export const wasm = (name: string) => path.join(ROOT, 'wasm-examples', name, 'build', `${name}.wasm`)

export interface Org {
  gateway: Gateway
  openai: OpenAIUpstream
  anthropic: MockAnthropic
  gemini: MockGemini
  /** Holds its answers until released: requests in flight on purpose (model `held-1`). */
  held: HeldUpstream
  dir: string
  config(overrides?: { guardrailSecrets?: 'redact' | 'block'; systemPrompt?: string }): SluiceConfig
  close(): Promise<void>
}

export async function startOrg(): Promise<Org> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-org-'))
  const [openai, anthropic, gemini, held] = await Promise.all([startOpenAIUpstream(), startMockAnthropic(), startMockGemini(), startHeldUpstream()])
  const config = ({ guardrailSecrets = 'redact', systemPrompt = 'Be brief.' }: { guardrailSecrets?: 'redact' | 'block'; systemPrompt?: string } = {}) =>
    ({
      dataDir: dir,
      log: { level: 'silent' },
      // Dear enough that one answer spends the `broke` key's budget.
      prices: { 'gpt-4o-mini': { input: 100, output: 100 }, 'claude-3-5-haiku': { input: 100, output: 100 }, 'gemini-2.0-flash': { input: 100, output: 100 }, 'held-1': { input: 100, output: 100 } },
      plugins: [
        '@sluice/prometheus',
        ['@sluice/request-log', { adminToken: ADMIN, flushIntervalMs: 20 }],
        [
          '@sluice/governance',
          {
            store: 'gov.db',
            flushIntervalMs: 20,
            adminTokens: [{ token: ADMIN, role: 'admin' }],
            teams: [{ id: 'support' }],
            keys: [
              { id: 'app', name: 'app', key: KEYS.app, team: 'support', budgets: [{ limitUsd: 100, period: 'day' }] },
              { id: 'narrow', name: 'narrow', key: KEYS.narrow, models: ['gpt-4o-mini'] },
              { id: 'broke', name: 'broke', key: KEYS.broke, budgets: [{ limitUsd: 0.001, period: 'total' }] },
              { id: 'slow', name: 'slow', key: KEYS.slow, rateLimits: [{ window: 'day', requests: 3 }] },
              { id: 'strict', name: 'strict', key: KEYS.strict },
            ],
          },
        ],
        [
          '@sluice/guardrails',
          {
            profiles: {
              // Output only: the upstream echoes the prompt, so a secret comes back in the answer.
              outbound: { input: false, rules: { secrets: guardrailSecrets } },
              strict: { rules: { secrets: 'block' } },
            },
            defaultProfile: 'outbound',
            byKey: { strict: 'strict' },
          },
        ],
        [wasm('guardrail'), { hooks: ['preRequest'], config: { terms: ['zeppelin'], message: 'Zeppelin is confidential' }, timeoutMs: 2000 }],
        [wasm('system-prompt'), { config: { text: systemPrompt }, timeoutMs: 2000 }],
        ['@sluice/semantic-cache', { threshold: 0.9, embedder: { model: FIXTURE_MODEL } }],
        ['@sluice/provider-openai', { baseURL: openai.url, keys: [{ value: 'sk-up-openai' }], models: ['gpt-4o-mini'] }],
        ['@sluice/provider-anthropic', { baseURL: anthropic.url, keys: [{ value: 'sk-up-anthropic' }], models: ['claude-3-5-haiku'] }],
        ['@sluice/provider-gemini', { baseURL: gemini.url, keys: [{ value: 'up-gemini' }], models: ['gemini-2.0-flash'] }],
        ['@sluice/provider-openai', { id: 'held', baseURL: held.url, keys: [{ value: 'sk-up-held' }], models: ['held-1'] }],
      ],
    }) as unknown as SluiceConfig
  const gateway = await createGateway(config() as never, { logWrite: () => {} })
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  return {
    gateway,
    openai,
    anthropic,
    gemini,
    held,
    dir,
    config,
    async close() {
      await gateway.close()
      await Promise.all([openai.close(), anthropic.close(), gemini.close(), held.close()])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Request-log rows (newest first), through the query API. */
export async function logRows(org: Org, query = ''): Promise<Record<string, any>[]> {
  const res = await fetch(`${org.gateway.url}/admin/v1/logs${query}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  return ((await res.json()) as { data: Record<string, any>[] }).data
}

/** The row of one request id, once the log has written it. */
export async function logRow(org: Org, requestId: string): Promise<Record<string, any> | undefined> {
  return (await logRows(org, '?limit=1000')).find((r) => r.id === requestId)
}

/** One counter or gauge value from /metrics (0 when the series is absent). */
export async function metric(org: Org, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${org.gateway.url}/metrics`)).text()
  let total = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return total
}

/** A key's usage, as the governance admin API reports it. */
export async function usage(org: Org, id: string): Promise<{ spentUsd: number; requests: number }> {
  const res = await fetch(`${org.gateway.url}/admin/v1/virtual-keys/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  return ((await res.json()) as { usage: { spentUsd: number; requests: number } }).usage
}
