import type { SseEvent } from '@sluice/sdk'

/**
 * Incremental server-sent-events parser (WHATWG rules: LF, CR or CRLF line ends, `data:`
 * lines joined, comments skipped). Keeps each event's exact text for byte pass-through.
 * Bytes may be cut anywhere, including inside a UTF-8 sequence.
 */
export class SseParser {
  #decoder = new TextDecoder()
  #buffer = ''
  /** Where the search for a blank line resumes: text before it holds none (keeps long events linear). */
  #scanned = 0

  push(bytes: Uint8Array): SseEvent[] {
    this.#buffer += this.#decoder.decode(bytes, { stream: true })
    return this.#drain(false)
  }

  /** The end of the stream: a last event without its blank line still counts. */
  end(): SseEvent[] {
    this.#buffer += this.#decoder.decode()
    return this.#drain(true)
  }

  #drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = []
    const text = this.#buffer
    // Most upstreams end lines with LF only: then a native indexOf finds the blank lines.
    const lfOnly = text.indexOf('\r') === -1
    let pos = 0
    let from = this.#scanned
    for (;;) {
      const boundary = lfOnly ? findLfBoundary(text, from) : findBoundary(text, from)
      if (!boundary) break
      const event = parseBlock(text.slice(pos, boundary.end), boundary.start - pos)
      if (event) events.push(event)
      pos = from = boundary.end
    }
    this.#buffer = pos ? text.slice(pos) : text
    // Resume later just before the end: a CR LF CR LF may straddle the next push.
    this.#scanned = Math.max(0, this.#buffer.length - 3)
    if (final && this.#buffer.trim()) {
      const event = parseBlock(this.#buffer, this.#buffer.length)
      if (event) events.push(event)
    }
    if (final) {
      this.#buffer = ''
      this.#scanned = 0
    }
    return events
  }
}

function findLfBoundary(text: string, from: number): { start: number; end: number } | undefined {
  const at = text.indexOf('\n\n', from)
  return at === -1 ? undefined : { start: at, end: at + 2 }
}

/** Finds the first blank line: returns where the block's text ends and where the next begins. */
function findBoundary(text: string, from: number): { start: number; end: number } | undefined {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 10 && c !== 13) continue
    // Line end at i; a blank line follows when the next line end comes right after.
    let j = i + (c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1)
    if (c === 13 && j === text.length) return undefined // a CR at the end may be half a CRLF
    const d = text.charCodeAt(j)
    if (d === 10 || d === 13) {
      if (d === 13 && j + 1 === text.length) return undefined
      j += d === 13 && text.charCodeAt(j + 1) === 10 ? 2 : 1
      return { start: i, end: j }
    }
  }
  return undefined
}

function parseBlock(raw: string, textEnd: number): SseEvent | undefined {
  // The common shape, one `data: ` line, without splitting.
  if (raw.startsWith('data: ')) {
    const data = raw.slice(6, textEnd)
    if (!/[\r\n]/.test(data)) return { data, raw }
  }
  const text = raw.slice(0, textEnd)
  let data: string[] | undefined
  let event: string | undefined
  let id: string | undefined
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') (data ??= []).push(value)
    else if (field === 'event') event = value
    else if (field === 'id') id = value
  }
  if (data === undefined && event === undefined) return undefined
  const out: SseEvent = { data: data?.join('\n') ?? '', raw }
  if (event !== undefined) out.event = event
  if (id !== undefined) out.id = id
  return out
}

/** Reads SSE events from a byte stream. */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser()
  for await (const bytes of body) yield* parser.push(bytes)
  yield* parser.end()
}
