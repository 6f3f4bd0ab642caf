import { createHash, randomBytes } from 'node:crypto'
import type { CustomerFields, KeyFields, TeamFields } from './options.js'

export type EntityKind = 'key' | 'team' | 'customer'

interface Stamped {
  createdAt: string
  updatedAt: string
  /** Declared in config: the admin API may read it but not change it. */
  declared: boolean
}

/** A virtual key as stored: the secret itself is never kept, only its SHA-256. */
export interface VirtualKey extends KeyFields, Stamped {
  id: string
  hash: string
  /** Enough to recognise the key (`sk-sluice-Ab3…x9Qz`), never enough to use it. */
  hint: string
}
export interface Team extends TeamFields, Stamped {}
export interface Customer extends CustomerFields, Stamped {}
export type Entity = VirtualKey | Team | Customer

const PREFIX = 'sk-sluice-'
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A new key: 32 base62 characters (~190 bits) after a recognisable prefix (secret scanners find it). */
export function newSecret(): string {
  const bytes = randomBytes(48)
  let out = ''
  for (const b of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 248) continue
    out += ALPHABET[b % 62]
    if (out.length === 32) break
  }
  return out.length === 32 ? PREFIX + out : newSecret()
}

/** Keys are long random strings, so one SHA-256 is the right hash (no slow KDF needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function hintOf(secret: string): string {
  const head = secret.startsWith(PREFIX) ? PREFIX + secret.slice(PREFIX.length, PREFIX.length + 3) : secret.slice(0, 3)
  return `${head}…${secret.slice(-4)}`
}

export function newId(kind: EntityKind): string {
  return `${kind === 'key' ? 'vk' : kind}_${randomBytes(9).toString('base64url')}`
}

/** `key:vk_abc`: how counters and reservations name their owner. */
export function entityRef(kind: EntityKind, id: string): string {
  return `${kind}:${id}`
}

/** `*` matches any run of characters; everything else is literal. */
export function patternMatcher(patterns: readonly string[]): ((value: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined
  const exact = new Set(patterns.filter((p) => !p.includes('*')))
  const globs = patterns.filter((p) => p.includes('*')).map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`))
  return (value) => exact.has(value) || globs.some((g) => g.test(value))
}
