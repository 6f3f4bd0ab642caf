/**
 * Same-format pass-through: the client's bytes go upstream unchanged (key order included,
 * which upstream prompt caching depends on). Only the top-level `"model"` value is swapped
 * when the upstream name differs (`openai/gpt-4o` -> `gpt-4o`), by splicing that one string.
 */
export function replaceTopLevelModel(raw: Buffer, model: string): Buffer | undefined {
  const text = raw.toString('utf8')
  const span = findTopLevelString(text, 'model')
  // Formats that name the model in the URL (Gemini) have none in the body: nothing to swap.
  if (span === null) return raw
  if (!span) return undefined
  return Buffer.from(text.slice(0, span.start) + JSON.stringify(model) + text.slice(span.end), 'utf8')
}

/**
 * Locates the value of a top-level string property: [start, end) of the quoted JSON string;
 * `null` when the object has no such key at all, `undefined` when its value is not a string.
 */
export function findTopLevelString(text: string, key: string): { start: number; end: number } | null | undefined {
  let depth = 0
  let i = 0
  let expectKey = false
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      const end = skipString(text, i)
      if (depth === 1 && expectKey) {
        const name = JSON.parse(text.slice(i, end)) as string
        let j = end
        while (isSpace(text.charCodeAt(j))) j++
        if (text.charCodeAt(j) !== 58 /* : */) return undefined
        j++
        while (isSpace(text.charCodeAt(j))) j++
        if (name === key) return text.charCodeAt(j) === 34 ? { start: j, end: skipString(text, j) } : undefined
        expectKey = false
        i = j
        continue
      }
      i = end
      continue
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++
      expectKey = c === 123 && depth === 1
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
    else if (c === 44 /* , */ && depth === 1) expectKey = true
    i++
  }
  return null
}

function skipString(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 92 /* \ */) i += 2
    else if (c === 34) return i + 1
    else i++
  }
  return text.length
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}
