import { describe, expect, it } from 'vitest'
import { interpolateEnv } from './env.js'

describe('interpolateEnv', () => {
  const env = { KEY: 'sk-1', EMPTY: '' }

  it('replaces ${VAR}, applies defaults and keeps $${VAR} literal', () => {
    const { value, problems } = interpolateEnv({ a: '${KEY}', b: 'x-${KEY}-y', c: '${MISSING:-dflt}', d: '$${KEY}', e: [{ f: '${KEY}' }], n: 3 }, env)
    expect(problems).toEqual([])
    expect(value).toEqual({ a: 'sk-1', b: 'x-sk-1-y', c: 'dflt', d: '${KEY}', e: [{ f: 'sk-1' }], n: 3 })
  })

  it('reports each missing variable with its path', () => {
    const { problems } = interpolateEnv({ plugins: [['p', { keys: [{ value: '${NOPE}' }] }]], x: '${EMPTY}' }, env)
    expect(problems).toEqual([
      { path: 'plugins[0][1].keys[0].value', message: 'environment variable NOPE is not set' },
      { path: 'x', message: 'environment variable EMPTY is not set' },
    ])
  })

  it('leaves non-plain objects (plugin objects, functions) untouched', () => {
    class Plugin {
      name = '${KEY}'
    }
    const plugin = new Plugin()
    const { value } = interpolateEnv({ plugins: [plugin] }, env)
    expect(value.plugins[0]).toBe(plugin)
  })
})
