import { describe, expect, it } from 'vitest'
import { estimateInputTokens, textTokens } from './count-tokens.js'
import { imageSize } from './image-size.js'

const png = (width: number, height: number) => {
  const b = Buffer.alloc(33)
  b.writeUInt32BE(0x89504e47, 0)
  b.writeUInt32BE(width, 16)
  b.writeUInt32BE(height, 20)
  return b
}

describe('count_tokens estimate', () => {
  it('counts English text at ~3.5 characters a token and CJK at one a character', () => {
    expect(textTokens('a'.repeat(35))).toBe(10)
    expect(textTokens('日本語')).toBe(3)
  })

  it('adds framing per message and the tool prompt when tools are offered', () => {
    const plain = estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'Hello, Claude' }] })
    expect(plain).toBe(Math.ceil(4 + 13 / 3.5))
    const tools = estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'Hello, Claude' }], tools: [{ name: 'f', input_schema: { type: 'object' } }] })
    expect(tools - plain).toBeGreaterThan(346)
  })

  it('sizes images from their header with Anthropic’s (w × h) / 750, capped', () => {
    expect(imageSize(png(200, 150))).toEqual({ width: 200, height: 150 })
    const image = (b: Buffer) => estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: b.toString('base64') } }] }] })
    expect(image(png(200, 150))).toBe(4 + 40)
    expect(image(png(4000, 3000))).toBe(4 + 1600)
  })
})
