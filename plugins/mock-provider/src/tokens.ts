/** A deterministic token estimate: words and punctuation marks, at least one. */
export function countTokens(text: string): number {
  return Math.max(1, text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)?.length ?? 0)
}

/** Splits text into word pieces (each with its leading space), the way streams arrive. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : [])
}
