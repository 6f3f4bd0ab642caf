import { describe, expect, it } from 'vitest'
import { KeyPool } from './keys.js'

const pool = () =>
  new KeyPool([
    { value: 'sk-aaaaaaaaaaaaaaaaaaaa', weight: 3, id: 'a' },
    { value: 'sk-bbbbbbbbbbbbbbbbbbbb', weight: 1, id: 'b' },
  ])

describe('KeyPool', () => {
  it('picks keys in proportion to their weights', () => {
    const keys = pool()
    const counts = new Map<string, number>()
    // A fixed sequence of draws over [0, 1) makes the count exact.
    for (let i = 0; i < 1000; i++) {
      const key = keys.pick({ random: () => i / 1000 })!
      counts.set(key.label, (counts.get(key.label) ?? 0) + 1)
    }
    expect(counts.get('a')).toBe(750)
    expect(counts.get('b')).toBe(250)
  })

  it('rests a key until its cool-down ends, and skips disabled and excluded keys', () => {
    const keys = pool()
    keys.coolDown(0, 2_000)
    expect(keys.pick({ now: 1_000 })?.label).toBe('b')
    expect(keys.pick({ now: 2_000, random: () => 0 })?.label).toBe('a')
    keys.disable(1, 5_000)
    expect(keys.pick({ now: 1_000 })).toBeUndefined()
    expect(keys.nextWake(1_000)).toBe(2_000)
    expect(keys.pick({ now: 5_000, random: () => 0.99 })?.label).toBe('b')
    expect(pool().pick({ exclude: new Set([0]) })?.label).toBe('b')
  })

  it('restricts to a subset of key ids', () => {
    expect(pool().pick({ subset: ['b'], random: () => 0 })?.label).toBe('b')
    expect(pool().pick({ subset: ['zzz'] })).toBeUndefined()
  })

  it('labels keys without revealing them', () => {
    const key = new KeyPool([{ value: 'sk-secret-0123456789abcdef', weight: 1 }]).pick()!
    expect(key.label).not.toContain('secret')
    expect(key.label).toBe('sk-…cdef')
  })

  it('gives keyless providers an empty key', () => {
    expect(new KeyPool([]).pick()).toEqual({ index: -1, value: '', label: 'none' })
  })
})
