import type { GeminiPart } from './types.js'
import { unsupported } from './unsupported.js'

const EXTENSIONS: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  mov: 'video/mov',
  webm: 'video/webm',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  md: 'text/md',
}

const FILES_API = /^https:\/\/generativelanguage\.googleapis\.com\/[^/]+\/files\//

/** The MIME type a URL's file extension implies (query and fragment ignored), if known. */
export function mimeFromUrl(url: string): string | undefined {
  let path = url
  try {
    path = new URL(url).pathname
  } catch {
    // gs:// and odd URIs: fall back to the raw text.
  }
  const match = /\.([A-Za-z0-9]+)$/.exec(path.split(/[?#]/)[0])
  return match ? EXTENSIONS[match[1].toLowerCase()] : undefined
}

/** `data:<mime>;base64,<data>` → its MIME type and base64 payload. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(url)
  return match ? { mimeType: match[1], data: match[3] } : undefined
}

/**
 * A URL the caller gave (image_url, file_data) as a Gemini part: data: URLs go inline; https and
 * gs:// URLs go as fileData for Google to fetch, which needs their type: given (`mime_type`, as the
 * Gemini front door passes it on) or read from the extension.
 */
export function urlPart(provider: string, url: string, param: string, expected: 'image' | 'any', givenType?: string): GeminiPart {
  if (url.startsWith('data:')) {
    const inline = parseDataUrl(url)
    if (!inline) throw unsupported(provider, param, 'only base64 data: URLs can be sent inline')
    return { inlineData: inline }
  }
  if (!/^(https|gs):\/\//i.test(url)) throw unsupported(provider, param, 'Gemini fetches https:// and gs:// URLs only; send other content as a base64 data: URL')
  const mimeType = givenType ?? mimeFromUrl(url)
  // A Gemini Files API upload knows its own type.
  if (!mimeType && FILES_API.test(url)) return { fileData: { fileUri: url } }
  if (!mimeType || (expected === 'image' && !mimeType.startsWith('image/')))
    throw unsupported(provider, param, `Gemini needs the ${expected === 'image' ? 'image' : 'file'} type of "${url.slice(0, 120)}" and its extension does not tell it; use a URL ending in .png/.jpg/.webp/... or a base64 data: URL`)
  return { fileData: { mimeType, fileUri: url } }
}
