import { describe, expect, it } from 'vitest'
import { KeyPicker } from './keys.js'

describe('KeyPicker', () => {
  it('picks keys in proportion to their weights', () => {
    const picker = new KeyPicker([
      { value: 'sk-aaaaaaaaaaaaaaaaaaaa', weight: 3 },
      { value: 'sk-bbbbbbbbbbbbbbbbbbbb', weight: 1 },
    ])
    const counts = new Map<string, number>()
    // A fixed sequence of draws over [0, 1) makes the test exact.
    for (let i = 0; i < 1000; i++) {
      const key = picker.pick(() => i / 1000)!
      counts.set(key.value, (counts.get(key.value) ?? 0) + 1)
    }
    expect(counts.get('sk-aaaaaaaaaaaaaaaaaaaa')).toBe(750)
    expect(counts.get('sk-bbbbbbbbbbbbbbbbbbbb')).toBe(250)
  })

  it('labels keys without revealing them', () => {
    const key = new KeyPicker([{ value: 'sk-secret-0123456789abcdef', weight: 1 }]).pick()!
    expect(key.label).not.toContain('secret')
    expect(key.label).toBe('sk-…cdef')
  })

  it('returns undefined without keys', () => {
    expect(new KeyPicker([]).pick()).toBeUndefined()
  })
})
