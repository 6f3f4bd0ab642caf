import type { ContentPart } from '@sluice/sdk'
import type { AnthropicBlock } from './types.js'
import { invalid, unsupported } from './unsupported.js'

/** Canonical part types; any other type is an Anthropic block carried as it is (see README). */
const CANONICAL = new Set(['text', 'image_url', 'input_audio', 'file'])

/**
 * Canonical content (a string or parts) → Anthropic content blocks. `cache_control` on a part
 * (the convention LiteLLM uses for prompt caching over OpenAI shapes) is kept on its block.
 * Empty text is left out: Anthropic refuses empty text blocks.
 */
export function toBlocks(content: unknown, at: string, provider: string): AnthropicBlock[] {
  if (content == null) return []
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : []
  if (!Array.isArray(content)) throw invalid(at, `${at} must be a string or an array of content parts`)
  const blocks: AnthropicBlock[] = []
  content.forEach((part: ContentPart & { cache_control?: unknown }, i) => {
    const block = toBlock(part, `${at}[${i}]`, provider)
    if (!block) return
    if (part.cache_control !== undefined && CANONICAL.has(part.type)) block.cache_control = part.cache_control
    blocks.push(block)
  })
  return blocks
}

function toBlock(part: ContentPart, at: string, provider: string): AnthropicBlock | undefined {
  if (!part || typeof part !== 'object' || typeof part.type !== 'string') throw invalid(at, `${at} must be a content part with a \`type\``)
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalid(`${at}.text`, `${at}.text must be a string`)
      return part.text ? { type: 'text', text: part.text } : undefined
    case 'image_url':
      return imageBlock(part.image_url?.url, `${at}.image_url.url`)
    case 'file':
      return fileBlock(part.file ?? {}, `${at}.file`, provider)
    case 'input_audio':
      throw unsupported(provider, at, 'Anthropic models take no audio input')
    default:
      // An Anthropic block that came in through the Anthropic front door (document, search_result …).
      return part as unknown as AnthropicBlock
  }
}

interface DataUrl {
  mediaType: string
  base64: boolean
  data: string
}

export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),/.exec(url)
  if (!match) return undefined
  return { mediaType: match[1].toLowerCase() || 'text/plain', base64: /;base64$/i.test(match[2]), data: url.slice(match[0].length) }
}

function imageBlock(url: unknown, at: string): AnthropicBlock {
  if (typeof url !== 'string' || !url) throw invalid(at, `${at} is required`)
  const data = parseDataUrl(url)
  if (data) {
    if (!data.base64) throw invalid(at, `${at}: a data: URL image must be base64-encoded`)
    return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } }
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } }
  throw invalid(at, `${at} must be an http(s) URL or a base64 data: URL`)
}

/**
 * Files: PDFs and plain text become `document` blocks, images `image` blocks; a `file_id` is an
 * Anthropic Files API id (that API needs its `anthropic-beta` header: see the `beta` option).
 */
function fileBlock(file: { file_data?: string; file_id?: string; filename?: string }, at: string, provider: string): AnthropicBlock {
  const title = file.filename ? { title: file.filename } : {}
  if (file.file_id) return { type: 'document', source: { type: 'file', file_id: file.file_id }, ...title }
  const data = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined
  if (!data) throw invalid(`${at}.file_data`, `${at}.file_data must be a data: URL (or give file_id)`)
  if (data.mediaType.startsWith('image/')) return imageBlock(file.file_data, `${at}.file_data`)
  if (data.mediaType === 'application/pdf') {
    if (!data.base64) throw invalid(`${at}.file_data`, `${at}.file_data: a PDF must be base64-encoded`)
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data.data }, ...title }
  }
  if (data.mediaType === 'text/plain') {
    const text = data.base64 ? Buffer.from(data.data, 'base64').toString('utf8') : decodeURIComponent(data.data)
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title }
  }
  throw unsupported(provider, at, `Anthropic reads PDF, plain-text and image files, not ${data.mediaType}`)
}
