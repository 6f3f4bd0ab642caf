import { describe, expect, it } from 'vitest'
import { findTopLevelString, replaceTopLevelModel } from './passthrough.js'

describe('replaceTopLevelModel', () => {
  it('swaps only the top-level model value and keeps every other byte', () => {
    const raw = '{ "messages":[{"role":"user","content":"model: \\"x\\"","model":"inner"}],\n  "model" :  "openai/gpt-4o" , "z":1}'
    const out = replaceTopLevelModel(Buffer.from(raw), 'gpt-4o')!.toString()
    expect(out).toBe(raw.replace('"openai/gpt-4o"', '"gpt-4o"'))
  })

  it('ignores "model" keys and strings nested deeper', () => {
    const raw = '{"meta":{"model":"a"},"list":["model"],"model":"b"}'
    expect(findTopLevelString(raw, 'model')).toEqual({ start: raw.lastIndexOf('"b"'), end: raw.lastIndexOf('"b"') + 3 })
  })

  it('handles escapes and unicode in values', () => {
    const raw = '{"x":"a\\\\","model":"m\\u00e9/1","y":"é"}'
    const out = replaceTopLevelModel(Buffer.from(raw), 'é')!.toString()
    expect(JSON.parse(out)).toEqual({ x: 'a\\', model: 'é', y: 'é' })
  })

  it('refuses a top-level model that is not a string, and leaves a body without one as it is', () => {
    expect(replaceTopLevelModel(Buffer.from('{"model":5}'), 'x')).toBeUndefined()
    const noModel = Buffer.from('{"a":{"model":"x"}, "contents":[]}')
    expect(replaceTopLevelModel(noModel, 'x')).toBe(noModel)
  })
})
