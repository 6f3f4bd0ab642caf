import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'

// `GET /v1/models/{id}` on each door: ids with slashes (`provider/model`, raw or `%2F`), and a
// path whose percent-encoding is broken, which is the caller's mistake (400 in the door's shape,
// not a 500 logged as a gateway fault).

let gateway: Gateway
beforeAll(async () => {
  gateway = await createGateway({ plugins: [['@sluice/mock-provider', { models: ['mock-1', 'acme/m-2'] }]] }, { logWrite: () => {} })
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
})

const get = async (path: string) => {
  const res = await fetch(`${gateway.url}${path}`)
  return { status: res.status, json: (await res.json()) as Record<string, any> }
}

describe('model routes', () => {
  it('retrieves a model whose id holds a slash, raw or encoded, on the OpenAI and Anthropic doors', async () => {
    for (const path of ['/v1/models/acme/m-2', '/v1/models/acme%2Fm-2']) expect(await get(path)).toMatchObject({ status: 200, json: { id: 'acme/m-2', object: 'model' } })
    for (const path of ['/anthropic/v1/models/acme/m-2', '/anthropic/v1/models/acme%2Fm-2']) expect(await get(path)).toMatchObject({ status: 200, json: { id: 'acme/m-2', type: 'model' } })
  })

  it('broken percent-encoding in the model id is a 400 in the OpenAI shape', async () => {
    const { status, json } = await get('/v1/models/%E0%A4%A')
    expect(status).toBe(400)
    expect(json.error).toMatchObject({ type: 'caller_invalid_request' })
  })

  it('broken percent-encoding in the model id is a 400 in the Anthropic shape', async () => {
    const { status, json } = await get('/anthropic/v1/models/%E0%A4%A')
    expect(status).toBe(400)
    expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
  })
})
