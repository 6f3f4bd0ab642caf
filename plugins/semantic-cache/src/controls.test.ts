import { describe, expect, it } from 'vitest'
import { GatewayError } from '@sluice/sdk'
import type { GatewayRequest } from '@sluice/sdk'
import { readControls } from './controls.js'

const defaults = { ttlSeconds: 60, maxTtlSeconds: 3600, threshold: 0.9, namespaceHeader: 'x-sluice-cache-namespace' as const }
const req = (headers: Record<string, string>) => ({ headers }) as unknown as GatewayRequest

describe('cache control headers', () => {
  it('defaults when absent', () => {
    expect(readControls(req({}), defaults)).toEqual({ lookup: true, store: true, ttlSeconds: 60, threshold: 0.9, namespace: undefined })
  })

  it('reads no-cache, no-store, ttl, threshold and namespace', () => {
    expect(readControls(req({ 'x-sluice-cache': 'no-cache' }), defaults)).toMatchObject({ lookup: false, store: true })
    expect(readControls(req({ 'x-sluice-cache': 'No-Store' }), defaults)).toMatchObject({ lookup: true, store: false })
    expect(readControls(req({ 'x-sluice-cache': 'no-cache, no-store' }), defaults)).toMatchObject({ lookup: false, store: false })
    expect(readControls(req({ 'x-sluice-cache-ttl': '1.5', 'x-sluice-cache-threshold': '0.75', 'x-sluice-cache-namespace': 'proj-a' }), defaults)).toMatchObject({
      ttlSeconds: 1.5,
      threshold: 0.75,
      namespace: 'proj-a',
    })
  })

  it.each([
    ['x-sluice-cache', 'sometimes'],
    ['x-sluice-cache', ''],
    ['x-sluice-cache-ttl', '0'],
    ['x-sluice-cache-ttl', '-5'],
    ['x-sluice-cache-ttl', '1e3'],
    ['x-sluice-cache-ttl', '3601'],
    ['x-sluice-cache-ttl', 'soon'],
    ['x-sluice-cache-threshold', '1.5'],
    ['x-sluice-cache-threshold', '0'],
    ['x-sluice-cache-threshold', 'NaN'],
    ['x-sluice-cache-namespace', 'has space'],
    ['x-sluice-cache-namespace', 'x'.repeat(129)],
  ])('refuses %s: %j with a 400', (name, value) => {
    const error = (() => {
      try {
        readControls(req({ [name]: value }), defaults)
      } catch (e) {
        return e
      }
    })() as GatewayError
    expect(error).toBeInstanceOf(GatewayError)
    expect(error.status).toBe(400)
    expect(error.type).toBe('caller_invalid_request')
    expect(error.message).toContain(name)
  })

  it('ignores the namespace header when it is turned off', () => {
    expect(readControls(req({ 'x-sluice-cache-namespace': 'has space' }), { ...defaults, namespaceHeader: false }).namespace).toBeUndefined()
  })
})
