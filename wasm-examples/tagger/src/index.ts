// Tags each request: the configured tags plus a prompt-size class go into the upstream request's
// `metadata` (OpenAI's field for tagging completions) and back to the client as `x-sluice-tags`.
import { JSON } from 'json-as'
import { configString, readInput, request, texts, writeOutput } from '../../shared/sluice'

function sizeClass(chars: i32): string {
  if (chars < 200) return 'small'
  if (chars < 4000) return 'medium'
  return 'large'
}

export function preRequest(): i32 {
  const input = readInput()
  const body = request(input)
  const existing = body.get('metadata')
  const metadata = existing !== null ? existing.get<JSON.Obj>() : new JSON.Obj()
  const header: string[] = []

  const tags = JSON.parse<JSON.Obj>(configString('tags', '{}'))
  const keys = tags.keys()
  for (let i = 0; i < keys.length; i++) {
    const value = tags.get(keys[i])!.get<string>()
    metadata.set(keys[i], value)
    header.push(keys[i] + '=' + value)
  }
  let chars = 0
  const all = texts(input)
  for (let i = 0; i < all.length; i++) chars += all[i].length
  const size = sizeClass(chars)
  metadata.set('prompt_size', size)
  header.push('prompt_size=' + size)

  body.set('metadata', metadata)
  const headers = new JSON.Obj()
  headers.set('x-sluice-tags', header.join(','))
  const out = new JSON.Obj()
  out.set('action', 'modify')
  out.set('request', body)
  out.set('headers', headers)
  writeOutput(JSON.stringify(out))
  return 0
}
