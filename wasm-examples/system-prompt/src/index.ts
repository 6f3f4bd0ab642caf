// Puts a system message (config `text`) in front of every chat request.
import { JSON } from 'json-as'
import { configString, continueRequest, readInput, request, writeOutput } from '../../shared/sluice'

export function preRequest(): i32 {
  const text = configString('text', '')
  const body = request(readInput())
  const messages = body.get('messages')
  if (text.length == 0 || messages === null) {
    continueRequest()
    return 0
  }
  const system = new JSON.Obj()
  system.set('role', 'system')
  system.set('content', text)
  const list = messages.get<JSON.Arr>()
  list.unshift<JSON.Obj>(system)
  body.set('messages', list)
  const out = new JSON.Obj()
  out.set('action', 'modify')
  out.set('request', body)
  writeOutput(JSON.stringify(out))
  return 0
}
