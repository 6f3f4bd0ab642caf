import { describe, expect, it } from 'vitest'
import { MemoryCapError, capMemory } from './memory-cap.ts'

// (module (memory (export "memory") 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
const growable = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
  0x03, 0x02, 0x01, 0x00, // func 0 has type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: min 1, no max
  0x07, 0x11, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, // grow(n) = memory.grow(n)
])

type Grow = (pages: number) => number
const instantiate = async (bytes: Uint8Array) => {
  const { instance } = (await (globalThis as any).WebAssembly.instantiate(bytes)) as { instance: { exports: { grow: Grow } } }
  return instance.exports.grow
}

describe('capMemory', () => {
  it('lets a module grow freely before, and not past the cap after', async () => {
    expect(await (await instantiate(growable))(100)).toBe(1)
    const grow = await instantiate(capMemory(growable, 4))
    expect(grow(3)).toBe(1) // 1 -> 4 pages: allowed
    expect(grow(1)).toBe(-1) // past the cap: memory.grow fails
  })

  it('keeps a lower maximum the module declares itself', async () => {
    const declared = Uint8Array.from(growable)
    const at = declared.indexOf(0x05, 8)
    const withMax = Uint8Array.from([...declared.subarray(0, at), 0x05, 0x04, 0x01, 0x01, 0x01, 0x02, ...declared.subarray(at + 5)])
    const grow = await instantiate(capMemory(withMax, 100))
    expect(grow(1)).toBe(1)
    expect(grow(1)).toBe(-1)
  })

  it('refuses a module that needs more than the cap at start, and bytes that are not wasm', () => {
    expect(() => capMemory(growable, 0)).toThrow(MemoryCapError)
    expect(() => capMemory(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 4)).toThrow(/not a WebAssembly module/)
  })
})
