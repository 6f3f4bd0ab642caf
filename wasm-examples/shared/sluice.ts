// Helpers for Sluice WASM plugins written in AssemblyScript (see ../README.md for the ABI).
import { Config, Host, LogLevel } from '@extism/as-pdk'
import { JSON } from 'json-as'

@lazy let aborting: bool = false

/**
 * AssemblyScript's abort (`--use abort=shared/sluice/abort`): log the reason through the host,
 * then trap, so the host counts a trap instead of the plugin carrying on in a broken state.
 */
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  if (!aborting) {
    aborting = true // logging allocates; if memory is what ran out, do not recurse
    Host.log(LogLevel.Error, 'abort: ' + (message !== null ? message : '') + ' (' + (fileName !== null ? fileName : '') + ':' + line.toString() + ')')
  }
  unreachable()
}

// Sluice's fast path: one host call copies the whole input or output (Extism's PDK moves 8 bytes
// per host call). Extism's own `input_length` gives the size.
@external('extism:host/env', 'input_length')
declare function input_length(): u64
@external('sluice', 'read_input')
declare function sluice_read_input(ptr: usize, len: u32): void
@external('sluice', 'write_output')
declare function sluice_write_output(ptr: usize, len: u32): void

/** The call's input as a string (UTF-8). */
export function inputString(): string {
  const len = <u32>input_length()
  const buffer = new ArrayBuffer(len)
  sluice_read_input(changetype<usize>(buffer), len)
  return String.UTF8.decode(buffer)
}

/** The call's input: `{ hook, context, texts?, request?, response?, stream?, record? }`. */
export function readInput(): JSON.Obj {
  return JSON.parse<JSON.Obj>(inputString())
}

/** Writes the output as UTF-8 bytes (as-pdk's outputString miscounts non-ASCII text). */
export function writeOutput(json: string): void {
  const bytes = String.UTF8.encode(json)
  sluice_write_output(changetype<usize>(bytes), bytes.byteLength)
}

export function continueRequest(): void {
  writeOutput('{"action":"continue"}')
}

/** Refuses the request: the client gets `status` with `type` and `message` in its wire format. */
export function refuse(status: i32, type: string, message: string): void {
  const out = new JSON.Obj()
  out.set('action', 'refuse')
  out.set('status', status)
  out.set('type', type)
  out.set('message', message)
  writeOutput(JSON.stringify(out))
}

/** A config value (the `config` option of the plugin entry), or `fallback` when unset. */
export function configString(key: string, fallback: string): string {
  const value = Config.get(key)
  return value !== null ? value : fallback
}

/** Every text going up (`texts` of the input), for pre-hooks. */
export function texts(input: JSON.Obj): string[] {
  const out: string[] = []
  const value = input.get('texts')
  if (value === null) return out
  const items = value.get<JSON.Arr>()
  for (let i = 0; i < items.length; i++) {
    const item = items.at(i)
    if (item.type == JSON.Types.String) out.push(item.get<string>())
  }
  return out
}

/** The request body (`request` of the input), for pre-hooks. */
export function request(input: JSON.Obj): JSON.Obj {
  return input.get('request')!.get<JSON.Obj>()
}

export function log(message: string): void {
  Host.log(LogLevel.Info, message)
}
