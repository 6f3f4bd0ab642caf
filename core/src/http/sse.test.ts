import { describe, expect, it } from 'vitest'
import { SseParser } from './sse.js'

const STREAM =
  'data: {"a":1}\n\n' +
  ': keep-alive comment\n\n' +
  'event: message_start\ndata: {"type":"message_start","text":"héllo 👋"}\n\n' +
  'data: line one\ndata: line two\r\n\r\n' +
  'id: 7\ndata:no-space\r\rdata: [DONE]\n\n'

function parseAll(parts: Uint8Array[]) {
  const parser = new SseParser()
  const events = parts.flatMap((p) => parser.push(p))
  return [...events, ...parser.end()]
}

describe('SseParser', () => {
  const whole = parseAll([new TextEncoder().encode(STREAM)])

  it('parses events, fields, comments and every line ending', () => {
    expect(whole.map((e) => e.data)).toEqual([
      '{"a":1}',
      '{"type":"message_start","text":"héllo 👋"}',
      'line one\nline two',
      'no-space',
      '[DONE]',
    ])
    expect(whole[1].event).toBe('message_start')
    expect(whole[3].id).toBe('7')
  })

  it('keeps the exact bytes of each event for pass-through', () => {
    expect(whole[0].raw).toBe('data: {"a":1}\n\n')
    expect(whole[2].raw).toBe('data: line one\ndata: line two\r\n\r\n')
  })

  it('gives the same events when the stream is cut at every byte, inside UTF-8 too', () => {
    const bytes = new TextEncoder().encode(STREAM)
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = parseAll([bytes.slice(0, cut), bytes.slice(cut)])
      expect(events.map((e) => [e.data, e.event, e.raw])).toEqual(whole.map((e) => [e.data, e.event, e.raw]))
    }
  })

  it('gives the same events when fed one byte at a time', () => {
    const bytes = new TextEncoder().encode(STREAM)
    const events = parseAll([...bytes].map((b) => Uint8Array.of(b)))
    expect(events.map((e) => e.data)).toEqual(whole.map((e) => e.data))
  })

  it('emits a last event that lacks its blank line at the end of the stream', () => {
    const events = parseAll([new TextEncoder().encode('data: tail')])
    expect(events.map((e) => e.data)).toEqual(['tail'])
  })
})
