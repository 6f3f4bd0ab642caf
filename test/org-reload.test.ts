// Config reloads of the organisation gateway: a change of guardrail policy reaches cached
// answers, and requests in flight across a reload lose nothing (usage, log rows, cache entries).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { KEYS, logRow, startOrg, usage } from './helpers/org-gateway.ts'
import type { Org } from './helpers/org-gateway.ts'
import { ask, askStream } from './helpers/semantic-cache.ts'

let org: Org
beforeAll(async () => {
  org = await startOrg()
})
afterAll(async () => {
  await org?.close()
})

const client = () => new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: KEYS.app, maxRetries: 0 })
const SECRET = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'

describe('reloads', () => {
  it('a stricter guardrail policy applies to answers cached from streams as from JSON answers', async () => {
    const streamed = await askStream(client(), `Keep ${SECRET} for the deploy`)
    expect(streamed.cache).toBe('miss')
    expect(streamed.text).toContain('[REDACTED:GITHUB_TOKEN]')
    const plain = await ask(client(), `Keep ${SECRET} for the release`)
    expect(plain.text).toContain('[REDACTED:GITHUB_TOKEN]')
    await org.gateway.reload(org.config({ guardrailSecrets: 'block' }) as never)
    for (const question of [`Keep ${SECRET} for the deploy`, `Keep ${SECRET} for the release`]) {
      const e = (await ask(client(), question).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
      expect(e, `${question}: ${JSON.stringify(e)}`).toBeInstanceOf(OpenAI.PermissionDeniedError)
      expect(e.type).toBe('policy_guardrail')
    }
  })
})
