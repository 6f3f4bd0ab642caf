// The Gemini front door (raw fetch, as Google's REST clients speak it) with a virtual key through
// the organisation gateway: a cached answer replayed as a Gemini stream, still redacted, metered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEYS, logRow, metric, startOrg } from './helpers/org-gateway.ts'
import type { Org } from './helpers/org-gateway.ts'

let org: Org
beforeAll(async () => {
  org = await startOrg()
})
afterAll(async () => {
  await org?.close()
})

const SECRET = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'
type Candidate = { content?: { parts?: { text?: string }[] }; finishReason?: string }

async function generate(text: string, stream: boolean) {
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent'
  const res = await fetch(`${org.gateway.url}/genai/v1beta/models/gemini-2.0-flash:${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': KEYS.app },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }] }),
  })
  expect(res.status).toBe(200)
  const body = await res.text()
  const events = stream
    ? body.split(/\r?\n\r?\n/).filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice(6)) as { candidates?: Candidate[] })
    : [JSON.parse(body) as { candidates?: Candidate[] }]
  const out = events.flatMap((e) => e.candidates ?? []).flatMap((c) => c.content?.parts ?? []).map((p) => p.text ?? '').join('')
  const finish = events.flatMap((e) => e.candidates ?? []).map((c) => c.finishReason).filter(Boolean)
  return { text: out, finish, cache: res.headers.get('x-sluice-cache'), id: res.headers.get('x-request-id')! }
}

describe('Gemini front door with a virtual key, the cache and output guardrails', () => {
  it('replays a cached answer as a Gemini stream, redacted like the first answer, and logs and meters the hit', async () => {
    const hits = await metric(org, 'sluice_cache_requests_total', { result: 'hit-exact' })
    const first = await generate(`Store ${SECRET} safely`, false)
    expect(first.cache).toBe('miss')
    expect(first.text).toBe('You said: Store [REDACTED:GITHUB_TOKEN] safely')
    const replay = await generate(`Store ${SECRET} safely`, true)
    expect(replay.cache).toBe('hit-exact')
    expect(replay.text).toBe(first.text)
    expect(replay.finish).toEqual(['STOP'])
    await expect.poll(() => logRow(org, replay.id)).toMatchObject({ key: 'app', status: 200, stream: true, short_circuited: true, cache: { result: 'hit-exact' } })
    await expect.poll(() => metric(org, 'sluice_cache_requests_total', { result: 'hit-exact' })).toBe(hits + 1)
  })
})
