// A deliberately badly behaved plugin, for the host's containment tests (not an example to copy).
// What it does is chosen by the last text of the prompt: loop, grow, trap, abort, garbage, huge,
// hugefast, badutf8, modify-nomessages, modify-badmessages; `config` reads its config 16 times (many
// Extism memory blocks a call: an instance that is never reset runs out of block addresses within ~2k
// calls); anything else continues. Its `response` and `postLog` trap for the model `trap-<hook>`.
import { Host } from '@extism/as-pdk'
import { JSON } from 'json-as'
import { configString, continueRequest, readInput, texts, writeOutput } from '../../shared/sluice'

let sink: i32 = 0
const hoard: ArrayBuffer[] = []

export function preRequest(): i32 {
  const input = readInput()
  const all = texts(input)
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
  } else if (mode == 'modify-nomessages') {
    // Valid JSON, a known action, but a chat request turned into an embeddings body (same model).
    writeOutput('{"action":"modify","request":{"model":"' + model(input) + '","input":"x"}}')
  } else if (mode == 'modify-badmessages') {
    writeOutput('{"action":"modify","request":{"model":"' + model(input) + '","messages":[42,null]}}')
  } else if (mode == 'config') {
    for (let i = 0; i < 16; i++) sink += configString('hugeBytes', '').length
    continueRequest()
  } else {
    continueRequest()
  }
  return 0
}

function model(input: JSON.Obj): string {
  return input.get('context')!.get<JSON.Obj>().get('model')!.get<string>()
}

export function response(): i32 {
  if (model(readInput()) == 'trap-response') unreachable()
  continueRequest()
  return 0
}

export function postLog(): i32 {
  if (model(readInput()) == 'trap-postLog') unreachable()
  continueRequest()
  return 0
}
