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
    for (;;) {
      const boundary = findBoundary(this.#buffer, this.#scanned)
      if (!boundary) {
        // Back off two characters: a CR LF CR LF may straddle the next push.
        this.#scanned = Math.max(0, this.#buffer.length - 3)
        break
      }
      const block = this.#buffer.slice(0, boundary.end)
      this.#buffer = this.#buffer.slice(boundary.end)
      this.#scanned = 0
      const event = parseBlock(block, boundary.start)
      if (event) events.push(event)
    }
    if (final && this.#buffer.trim()) {
      const event = parseBlock(this.#buffer, this.#buffer.length)
      this.#buffer = ''
      this.#scanned = 0
      if (event) events.push(event)
    }
    return events
  }
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
