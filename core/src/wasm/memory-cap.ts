/**
 * Caps the linear memory a WebAssembly module may grow to, by rewriting the maximum in its
 * memory section. Extism's JS SDK (1.0.3) has no memory option, and wasm memory lives outside
 * the V8 heap (a worker's `resourceLimits` do not bound it), so the cap is put in the module
 * itself: past it `memory.grow` fails, the guest's allocator traps, and the host sees a trap.
 */
export const WASM_PAGE_BYTES = 65_536

const MEMORY_SECTION = 5

export class MemoryCapError extends Error {}

/** Returns a copy of `bytes` whose defined memories may grow to `maxPages` at most. */
export function capMemory(bytes: Uint8Array, maxPages: number): Uint8Array {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new MemoryCapError('not a WebAssembly module (bad magic number)')
  const parts: Uint8Array[] = [bytes.subarray(0, 8)]
  let pos = 8
  let found = false
  while (pos < bytes.length) {
    const start = pos
    const id = bytes[pos++]
    const size = readU32(bytes, pos)
    pos = size.next
    const end = pos + size.value
    if (end > bytes.length) throw new MemoryCapError('truncated module (a section runs past the end)')
    if (id === MEMORY_SECTION) {
      found = true
      const body = rewriteMemories(bytes.subarray(pos, end), maxPages)
      parts.push(Uint8Array.of(MEMORY_SECTION, ...writeU32(body.length)), body)
    } else parts.push(bytes.subarray(start, end))
    pos = end
  }
  if (!found) return bytes
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function rewriteMemories(section: Uint8Array, maxPages: number): Uint8Array {
  const count = readU32(section, 0)
  let pos = count.next
  const out: number[] = [...writeU32(count.value)]
  for (let i = 0; i < count.value; i++) {
    const flags = section[pos++]
    if (flags & 0x04) throw new MemoryCapError('64-bit memories are not supported')
    const min = readU32(section, pos)
    pos = min.next
    let max = maxPages
    if (flags & 0x01) {
      const declared = readU32(section, pos)
      pos = declared.next
      max = Math.min(declared.value, maxPages)
    }
    if (min.value > maxPages)
      throw new MemoryCapError(`the module needs ${min.value} pages of memory at start, over the cap of ${maxPages} (maxMemoryMb)`)
    // Keep the shared bit; always declare a maximum.
    out.push(flags | 0x01, ...writeU32(min.value), ...writeU32(max))
  }
  if (pos !== section.length) throw new MemoryCapError('malformed memory section')
  return Uint8Array.from(out)
}

function readU32(bytes: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0
  let shift = 0
  for (;;) {
    if (pos >= bytes.length) throw new MemoryCapError('truncated module (bad LEB128)')
    const byte = bytes[pos++]
    value += (byte & 0x7f) * 2 ** shift
    if (!(byte & 0x80)) return { value, next: pos }
    shift += 7
    if (shift > 28) throw new MemoryCapError('malformed module (LEB128 too long)')
  }
}

function writeU32(value: number): number[] {
  const out: number[] = []
  do {
    let byte = value & 0x7f
    value = Math.floor(value / 128)
    if (value) byte |= 0x80
    out.push(byte)
  } while (value)
  return out
}
