// A deliberately badly behaved plugin, for the host's containment tests (not an example to copy).
// What it does is chosen by the last text of the prompt: loop, grow, trap, abort, garbage, huge,
// hugefast, badutf8; `config` reads its config 16 times (many Extism memory blocks a call: an instance
// that is never reset runs out of block addresses within ~2k calls); anything else continues.
import { Host } from '@extism/as-pdk'
import { configString, continueRequest, readInput, texts, writeOutput } from '../../shared/sluice'

let sink: i32 = 0
const hoard: ArrayBuffer[] = []

export function preRequest(): i32 {
  const all = texts(readInput())
  const mode = all.length > 0 ? all[all.length - 1] : ''
  if (mode == 'loop') {
    while (true) sink++
  } else if (mode == 'grow') {
    while (true) hoard.push(new ArrayBuffer(1 << 20))
  } else if (mode == 'trap') {
    unreachable()
  } else if (mode == 'abort') {
    throw new Error('the plugin gave up')
  } else if (mode == 'garbage') {
    writeOutput('this is not JSON {')
  } else if (mode == 'huge') {
    // Through Extism's output (the fast path's size check is tested by 'hugefast').
    const size = I32.parseInt(configString('hugeBytes', '2097152'))
    const bytes = new Uint8Array(size)
    bytes.fill(0x61)
    Host.output(bytes)
  } else if (mode == 'hugefast') {
    writeOutput('"' + 'a'.repeat(I32.parseInt(configString('hugeBytes', '2097152'))) + '"')
  } else if (mode == 'badutf8') {
    const bytes = new Uint8Array(3)
    bytes.fill(0xff)
    Host.output(bytes)
  } else if (mode == 'config') {
    for (let i = 0; i < 16; i++) sink += configString('hugeBytes', '').length
    continueRequest()
  } else {
    continueRequest()
  }
  return 0
}
