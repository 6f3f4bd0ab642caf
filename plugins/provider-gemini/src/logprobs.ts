import type { GeminiLogprobsResult } from './types.js'

interface TokenLogprob {
  token: string
  logprob: number
  bytes: null
  top_logprobs: { token: string; logprob: number; bytes: null }[]
}

/** Gemini's logprobsResult in OpenAI's `choices[].logprobs` shape. */
export function logprobsFrom(result: GeminiLogprobsResult | undefined): { content: TokenLogprob[] } | undefined {
  if (!result?.chosenCandidates) return undefined
  return {
    content: result.chosenCandidates.map((chosen, i) => ({
      token: chosen.token ?? '',
      logprob: chosen.logProbability ?? 0,
      bytes: null,
      top_logprobs: (result.topCandidates?.[i]?.candidates ?? []).map((c) => ({ token: c.token ?? '', logprob: c.logProbability ?? 0, bytes: null })),
    })),
  }
}
