import type { DocumentBlock, ImageBlock, ImageFormat } from './types.js'
import { unsupported } from './unsupported.js'

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
}

/** Converse document formats by MIME type and by file extension. */
const DOCUMENT_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
}
const DOCUMENT_EXTENSIONS = new Set(Object.values(DOCUMENT_TYPES))

/** `data:<mime>;base64,<data>` → its MIME type and base64 payload. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(url)
  return match ? { mimeType: match[1].toLowerCase(), data: match[3] } : undefined
}

/**
 * An `image_url` part as a Converse image block. Bedrock takes image bytes only (no URLs it would
 * fetch), so only base64 data: URLs can go.
 */
export function imageBlock(provider: string, url: string, param: string): ImageBlock {
  if (!url.startsWith('data:'))
    throw unsupported(provider, param, 'Bedrock takes image bytes, not URLs; send the image as a base64 data: URL')
  const inline = parseDataUrl(url)
  if (!inline) throw unsupported(provider, param, 'only base64 data: URLs can be sent')
  const format = IMAGE_FORMATS[inline.mimeType]
  if (!format) throw unsupported(provider, param, `images of type ${inline.mimeType} (Bedrock takes png, jpeg, gif and webp)`)
  return { format, source: { bytes: inline.data } }
}

/**
 * A `file` part as a Converse document block: `file_data` as a data: URL (or bare base64 with a
 * `filename` whose extension names the format). Converse wants a name of letters, digits, spaces,
 * hyphens, parentheses and brackets.
 */
export function documentBlock(provider: string, file: { file_data?: string; file_id?: string; filename?: string }, param: string, index: number): DocumentBlock {
  if (!file.file_data) throw unsupported(provider, `${param}.file_id`, 'Bedrock takes document bytes, not uploaded file ids; send `file_data`')
  const inline = parseDataUrl(file.file_data)
  const extension = /\.([A-Za-z0-9]+)$/.exec(file.filename ?? '')?.[1]?.toLowerCase()
  const format = inline ? DOCUMENT_TYPES[inline.mimeType] : extension && DOCUMENT_EXTENSIONS.has(extension) ? extension : undefined
  if (!format)
    throw unsupported(provider, `${param}.file_data`, `documents of this type (Bedrock takes ${[...DOCUMENT_EXTENSIONS].join(', ')}; send a data: URL with its MIME type)`)
  return { format, name: documentName(file.filename, index), source: { bytes: inline ? inline.data : file.file_data } }
}

function documentName(filename: string | undefined, index: number): string {
  const base = (filename ?? '').replace(/\.[A-Za-z0-9]+$/, '')
  const clean = base.replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ').replace(/\s+/g, ' ').trim()
  return clean || `document-${index + 1}`
}
