import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { afterAll, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'
import { freePort } from './helpers/cli.js'

// Budgets fail closed: while Redis is away, governed requests get a clear 503 (never a free pass,
// never a hang), and the gateway serves again once Redis is back.

const KEY = 'sk-sluice-outage-0123456789abcdef'
let redis: ChildProcess | undefined
let gateway: Gateway | undefined
afterAll(async () => {
  await gateway?.close()
  redis?.kill('SIGKILL')
})

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1')
        socket.once('connect', () => (socket.destroy(), resolve()))
        socket.once('error', reject)
      })
      return child
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  throw new Error('redis-server did not start')
}

it.skipIf(!process.env.SLUICE_TEST_REDIS_URL)('answers 503 while Redis is down, and serves again when it is back', async () => {
  const port = await freePort()
  redis = await startRedis(port)
  gateway = await createGateway(
    {
      plugins: [
        [governance, { store: `redis://127.0.0.1:${port}`, keys: [{ id: 'k', name: 'k', key: KEY, rateLimits: [{ window: 'day', requests: 1000 }] }] }],
        '@sluice/mock-provider',
      ],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 })
  const ask = () => client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'hi' }] })
  expect((await ask()).object).toBe('chat.completion')

  redis.kill('SIGKILL')
  await new Promise((r) => redis!.once('exit', r))
  const started = Date.now()
  const e = (await ask().catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
  expect(e.status).toBe(503)
  expect(e.message).toContain('store is unreachable')
  expect(Date.now() - started).toBeLessThan(10_000)

  redis = await startRedis(port)
  let served = false
  for (let i = 0; i < 100 && !served; i++) {
    served = await ask().then(() => true, () => false)
    if (!served) await new Promise((r) => setTimeout(r, 100))
  }
  expect(served).toBe(true)
})
