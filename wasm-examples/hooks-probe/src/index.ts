// Serves every hook, for the host's tests (not an example to copy): each hook leaves a trace the
// test can see, and the prompt can make `policy` or `response` refuse.
import { JSON } from 'json-as'
import { continueRequest, log, readInput, refuse, texts, writeOutput } from '../../shared/sluice'

function context(input: JSON.Obj): JSON.Obj {
  return input.get('context')!.get<JSON.Obj>()
}

function lastText(input: JSON.Obj): string {
  const all = texts(input)
  return all.length > 0 ? all[all.length - 1] : ''
}

function continueWithHeader(name: string, value: string): void {
  const headers = new JSON.Obj()
  headers.set(name, value)
  const out = new JSON.Obj()
  out.set('action', 'continue')
  out.set('headers', headers)
  writeOutput(JSON.stringify(out))
}

export function preAuth(): i32 {
  continueWithHeader('x-probe-preauth', context(readInput()).get('path')!.get<string>())
  return 0
}

export function policy(): i32 {
  const input = readInput()
  if (lastText(input) == 'deny') {
    refuse(451, 'policy_forbidden', 'Denied by the probe policy')
    return 0
  }
  const identity = context(input).get('identity')!
  continueWithHeader('x-probe-identity', identity.type == JSON.Types.Null ? 'none' : identity.get<JSON.Obj>().get('id')!.get<string>())
  return 0
}

export function preRequest(): i32 {
  continueRequest()
  return 0
}

export function response(): i32 {
  const input = readInput()
  if (input.get('stream')!.get<bool>()) {
    // Too late for a streamed answer: the host ignores this (and says so in its log).
    refuse(500, 'policy_guardrail', 'too late')
    return 0
  }
  const answer = input.get('response')!.get<JSON.Obj>()
  const choices = answer.get('choices')!.get<JSON.Arr>()
  // json-as hands out copies of nested values: each level is written back after the change.
  const choice = choices.at(0).get<JSON.Obj>()
  const message = choice.get('message')!.get<JSON.Obj>()
  const content = message.get('content')!.get<string>()
  if (content.includes('secret')) {
    refuse(502, 'policy_guardrail', 'The answer was withheld')
    return 0
  }
  message.set('content', '[probed] ' + content)
  choice.set('message', message)
  choices.set<JSON.Obj>(0, choice)
  answer.set('choices', choices)
  const out = new JSON.Obj()
  out.set('action', 'modify')
  out.set('response', answer)
  writeOutput(JSON.stringify(out))
  return 0
}

export function postLog(): i32 {
  const record = readInput().get('record')!.get<JSON.Obj>()
  log('postLog saw status ' + (<i32>record.get('status')!.get<f64>()).toString())
  continueRequest()
  return 0
}
