// Refuses prompts that name a configured term (case-insensitive), before anything goes upstream.
import { JSON } from 'json-as'
import { configString, continueRequest, readInput, refuse, texts } from '../../shared/sluice'

let terms: string[] | null = null

function loadTerms(): string[] {
  if (terms === null) {
    const list = JSON.parse<string[]>(configString('terms', '[]'))
    for (let i = 0; i < list.length; i++) list[i] = list[i].toLowerCase()
    terms = list
  }
  return terms!
}

export function preRequest(): i32 {
  const banned = loadTerms()
  const all = texts(readInput())
  for (let i = 0; i < all.length; i++) {
    const text = all[i].toLowerCase()
    for (let j = 0; j < banned.length; j++) {
      if (banned[j].length > 0 && text.includes(banned[j])) {
        refuse(403, 'policy_guardrail', configString('message', 'The prompt contains a restricted term'))
        return 0
      }
    }
  }
  continueRequest()
  return 0
}
