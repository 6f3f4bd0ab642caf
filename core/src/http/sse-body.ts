import type { Readable } from 'node:stream'
import type { SseEvent } from '@sluice/sdk'
import { SseParser } from './sse.js'

type Body = Readable & { dump?: (opts?: { limit: number }) => Promise<unknown> }

/** Events waiting to be read past this count pause the upstream socket (backpressure). */
const HIGH_WATER = 256

/**
 * SSE events from an upstream body, parsed as bytes arrive. `take()` returns the exact text of
 * the events read since the last call (for byte pass-through). When the reader stops early —
 * an adapter that saw its terminator (`[DONE]`) — the rest is drained, not torn down, so the
 * connection returns to the pool without an error.
 */
export function sseEvents(body: Body): { iterable: AsyncIterable<SseEvent>; take(): string } {
  const parser = new SseParser()
  let queue: SseEvent[] = []
  let ended = false
  let failure: unknown
  let wake: (() => void) | undefined
  let pending = ''
  const notify = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  body.on('data', (bytes: Uint8Array) => {
    const events = parser.push(bytes)
    if (events.length) queue.push(...events)
    if (queue.length > HIGH_WATER) body.pause()
    notify()
  })
  body.on('end', () => {
    queue.push(...parser.end())
    ended = true
    notify()
  })
  body.on('error', (error: unknown) => {
    failure = error
    notify()
  })
  const iterable: AsyncIterable<SseEvent> = {
    async *[Symbol.asyncIterator]() {
      let read = 0
      try {
        for (;;) {
          if (read < queue.length) {
            const event = queue[read++]
            if (read === queue.length) {
              queue = []
              read = 0
              if (body.isPaused()) body.resume()
            }
            pending += event.raw
            yield event
            continue
          }
          if (failure !== undefined) throw failure
          if (ended) return
          await new Promise<void>((resolve) => (wake = resolve))
        }
      } finally {
        if (!ended && failure === undefined) {
          if (body.dump) body.dump({ limit: 64 * 1024 }).catch(() => {})
          else body.destroy()
        }
      }
    },
  }
  return {
    iterable,
    take() {
      const text = pending
      pending = ''
      return text
    },
  }
}
