import { imageSize } from './image-size.js'
import { isObject } from './errors.js'
import type { CountBody } from './schema.js'

type Block = Record<string, unknown>

/** Anthropic's tool-use system prompt, added when tools are offered (documented per model; ~346). */
const TOOL_PROMPT = 346
/** Framing per message (role markers, turn separators). */
const PER_MESSAGE = 4
/** An image Anthropic resizes to at most ~1.15 megapixels: (w × h) / 750 tokens, so ~1600 at most. */
const MAX_IMAGE = 1600
/** A PDF page: its text (1,500–3,000 tokens) and the page image. */
const PER_PDF_PAGE = 2500

/**
 * An estimate of a Messages request's input tokens, without a tokenizer: Anthropic has not
 * published one for Claude 3 and later, and its count_tokens endpoint is the exact answer.
 * Text: ~3.5 ASCII characters per token (Claude's tokenizer is a little less dense than OpenAI's
 * o200k), one token per CJK character, half a token for other non-ASCII characters. Images from
 * their header's size with Anthropic's formula, PDFs per page, tool definitions as their JSON
 * plus Anthropic's tool prompt. Thinking from earlier turns is left out, as Anthropic strips it.
 */
export function estimateInputTokens(body: CountBody): number {
  let tokens = 0
  if (typeof body.system === 'string') tokens += textTokens(body.system)
  else for (const block of body.system ?? []) tokens += textTokens(String(block.text))
  for (const message of body.messages) {
    tokens += PER_MESSAGE
    tokens += typeof message.content === 'string' ? textTokens(message.content) : blocksTokens(message.content)
  }
  if (body.tools?.length) tokens += TOOL_PROMPT + body.tools.reduce((sum, tool) => sum + textTokens(JSON.stringify(tool)), 0)
  return Math.max(1, Math.ceil(tokens))
}

function blocksTokens(blocks: Block[]): number {
  return blocks.reduce((sum, block) => sum + blockTokens(block), 0)
}

function blockTokens(block: Block): number {
  const source = isObject(block.source) ? block.source : undefined
  switch (block.type) {
    case 'text':
      return textTokens(String(block.text ?? ''))
    case 'image':
      return source ? imageTokens(source) : MAX_IMAGE
    case 'document':
      return documentTokens(source)
    case 'tool_use':
      return textTokens(String(block.name ?? '')) + textTokens(JSON.stringify(block.input ?? {}))
    case 'tool_result':
      return PER_MESSAGE + (typeof block.content === 'string' ? textTokens(block.content) : Array.isArray(block.content) ? blocksTokens(block.content as Block[]) : 0)
    case 'thinking':
    case 'redacted_thinking':
      return 0
    default:
      return textTokens(JSON.stringify(block))
  }
}

function imageTokens(source: Block): number {
  if (source.type !== 'base64' || typeof source.data !== 'string') return MAX_IMAGE
  // The header is in the first bytes; 64 KiB of base64 also skips a large EXIF block in a JPEG.
  const size = imageSize(Buffer.from(source.data.slice(0, 65_536), 'base64'))
  if (!size || !size.width || !size.height) return MAX_IMAGE
  return Math.min(MAX_IMAGE, Math.ceil((size.width * size.height) / 750))
}

function documentTokens(source: Block | undefined): number {
  if (!source) return PER_PDF_PAGE
  if (source.type === 'text') return textTokens(String(source.data ?? ''))
  if (source.type === 'content') return Array.isArray(source.content) ? blocksTokens(source.content as Block[]) : textTokens(String(source.content ?? ''))
  if (source.type === 'base64' && typeof source.data === 'string') return pdfPages(Buffer.from(source.data, 'base64')) * PER_PDF_PAGE
  return PER_PDF_PAGE
}

/** Page objects counted in the file; compressed object streams hide them, then ~100 KB a page. */
function pdfPages(pdf: Buffer): number {
  const found = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0
  return Math.max(1, found || Math.ceil(pdf.length / 100_000))
}

export function textTokens(text: string): number {
  let ascii = 0
  let wide = 0
  let other = 0
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (code < 0x80) ascii++
    else if ((code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff) || code >= 0x1f000) wide++
    else other++
  }
  return ascii / 3.5 + wide + other / 2
}
