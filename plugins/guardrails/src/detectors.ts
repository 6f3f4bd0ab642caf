import { isIPv6 } from 'node:net'

/** A span a detector found. Offsets are UTF-16 indexes into the scanned text. */
export interface Match {
  start: number
  end: number
  /** The detector (rule) id, e.g. `aws_access_key`. */
  rule: string
  /** The label used in redactions, e.g. `EMAIL` → `[REDACTED:EMAIL]`. */
  type: string
}

export type Category = 'secrets' | 'pii' | 'custom'

export interface Detector {
  id: string
  type: string
  category: Category
  /** Higher wins when two findings overlap (specific patterns beat the entropy heuristic). */
  rank: number
  find(text: string): Match[]
  /**
   * For streams: where an unterminated match that may still grow starts (e.g. a PEM block whose
   * END line has not arrived yet), or -1. Text from there on is held back.
   */
  openAt?(text: string): number
}

interface RegexSpec {
  id: string
  type: string
  category: Category
  rank?: number
  /** Must have the `g` flag. */
  re: RegExp
  /** Capture group holding the sensitive part (default: the whole match). */
  group?: number
  /** Cheap prefilter: skip the regex unless this returns true. */
  pre?: (text: string) => boolean
  /** Reject a candidate (validators: Luhn, mod-97, JWT header...). */
  valid?: (value: string, text: string, start: number) => boolean
}

function regexDetector(spec: RegexSpec): Detector {
  const { id, type, category, re, group, pre, valid } = spec
  if (!re.flags.includes('g')) throw new Error(`detector ${id}: regex needs the g flag`)
  return {
    id,
    type,
    category,
    rank: spec.rank ?? 50,
    find(text) {
      if (pre && !pre(text)) return []
      const out: Match[] = []
      re.lastIndex = 0
      let m: RegExpExecArray | null
      while ((m = re.exec(text)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++
          continue
        }
        let start = m.index
        let value = m[0]
        if (group !== undefined) {
          // Find the first defined group at or after `group` (alternatives share the role).
          let g = group
          while (g < m.length && m[g] === undefined) g++
          if (g >= m.length) continue
          value = m[g]
          start = m.index + m[0].lastIndexOf(value)
        }
        if (valid && !valid(value, text, start)) continue
        out.push({ start, end: start + value.length, rule: id, type })
      }
      return out
    },
  }
}

// ───────────────────────────── validators ─────────────────────────────

export function luhn(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/ /g, '').toUpperCase()
  if (iban.length < 15 || iban.length > 34) return false
  const expected = IBAN_LENGTHS[iban.slice(0, 2)]
  if (expected !== undefined && expected !== iban.length) return false
  if (expected === undefined) return false
  const moved = iban.slice(4) + iban.slice(0, 4)
  let rem = 0
  for (const ch of moved) {
    const c = ch.charCodeAt(0)
    const v = c >= 65 ? c - 55 : c - 48
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97
  }
  return rem === 1
}

const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25,
  QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
}

/** Shannon entropy in bits per character. */
export function shannon(s: string): number {
  const counts = new Map<number, number>()
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    counts.set(c, (counts.get(c) ?? 0) + 1)
  }
  let h = 0
  for (const n of counts.values()) {
    const p = n / s.length
    h -= p * Math.log2(p)
  }
  return h
}

function jwtHeaderValid(token: string): boolean {
  const [header, payload] = token.split('.')
  if (!header || !payload) return false
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown
    if (!h || typeof h !== 'object' || typeof (h as { alg?: unknown }).alg !== 'string') return false
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown
    return !!p && typeof p === 'object'
  } catch {
    return false
  }
}

const PLACEHOLDER = /^(?:\*+|x+|\.+|-+|null|none|nil|undefined|true|false|changeme|password|secret|redacted|hidden|example|your[_-]?password|<[^>]*>|\[[^\]]*\]|\{[^}]*\}|%s)$|^(?:\$|%\(|\{\{|env\(|process\.env|os\.environ|getenv|<)/i

function passwordValueValid(value: string, quoted: boolean): boolean {
  if (value.length < 4) return false
  if (PLACEHOLDER.test(value)) return false
  if (/^\[REDACTED/.test(value)) return false
  // Unquoted, a bare identifier is code (`password: string`, `password = userInput`).
  if (!quoted && /^[A-Za-z_.]+$/.test(value)) return false
  if (!quoted && /[()]/.test(value)) return false
  return true
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const HEX = /^(?:0x)?[0-9a-f]+$/i

export interface EntropyOptions {
  /** Bits per character a token must reach. */
  threshold: number
  minLength: number
}

function highEntropyValid(token: string, opts: EntropyOptions): boolean {
  if (token.length < opts.minLength) return false
  if (UUID.test(token) || HEX.test(token)) return false
  if (token.startsWith('[REDACTED')) return false
  let upper = 0
  let lower = 0
  let digit = 0
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i)
    if (c >= 65 && c <= 90) upper++
    else if (c >= 97 && c <= 122) lower++
    else if (c >= 48 && c <= 57) digit++
  }
  // Mixed classes: upper, lower and digits all present, digits not just a suffix like v2.
  if (!upper || !lower || digit < 2) return false
  // Paths and identifiers: many separators with word-like segments.
  if (/^[a-z]+(?:[_/-][a-z0-9]+){2,}$/i.test(token)) return false
  const threshold = token.length < 32 ? opts.threshold - (32 - token.length) * 0.03 : opts.threshold
  return shannon(token) >= threshold
}

function phoneValid(value: string, text: string, start: number): boolean {
  const digits = value.replace(/\D/g, '')
  if (digits.length < 8 || digits.length > 15) return false
  // Dates and versions: yyyy-mm-dd, dd.mm.yyyy, 1.2.3.4
  if (/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test(value) || /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(value)) return false
  if (!value.startsWith('+') && /^\d+(?:\.\d+)+$/.test(value)) return false
  // Neighbouring characters that make it part of a longer id, version or path.
  const before = text.slice(Math.max(0, start - 12), start)
  if (/[\w.\-/#:]$/.test(before) || /\d[ .-]$/.test(before)) return false
  if (/^[ .-]\d/.test(text.slice(start + value.length, start + value.length + 2))) return false
  if (/(?:version|ver|v|build|id|order|invoice|ref|ticket)[\s:#]*$/i.test(before)) return false
  const after = text.charAt(start + value.length)
  if (after && /[\w\-/@]/.test(after)) return false
  if (after === '.' && /\d/.test(text.charAt(start + value.length + 1))) return false
  return true
}

function cardValid(value: string, text: string, start: number): boolean {
  const digits = value.replace(/[ -]/g, '')
  if (digits.length < 13 || digits.length > 19) return false
  const seps = value.match(/[ -]/g)
  if (seps && new Set(seps).size > 1) return false
  const n = digits.length
  const brand =
    (/^3[47]/.test(digits) && n === 15) ||
    (/^4/.test(digits) && (n === 13 || n === 16 || n === 19)) ||
    (/^(?:5[1-5]|2[2-7])/.test(digits) && n === 16) ||
    (/^(?:6011|65|64[4-9]|35)/.test(digits) && n >= 16) ||
    (/^3[068]/.test(digits) && n >= 14)
  if (!brand) return false
  if (/^(\d)\1+$/.test(digits)) return false
  const after = text.charAt(start + value.length)
  if (after && /[\w.-]/.test(after) && !(after === '.' && !/\d/.test(text.charAt(start + value.length + 1)))) return false
  return luhn(digits)
}

function ssnValid(value: string): boolean {
  const [a, g, s] = value.split(/[- ]/)
  if (!a || !g || !s) return false
  if (a === '000' || a === '666' || a[0] === '9') return false
  if (g === '00' || s === '0000') return false
  if (value.includes('-') && value.includes(' ')) return false
  if (a === '078' && g === '05' && s === '1120') return false
  if (a === '123' && g === '45' && s === '6789') return false
  return true
}

function ipv4Valid(value: string, text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 10), start)
  if (/(?:version|ver\.?|v|release|build)\s*[:=]?\s*$/i.test(before)) return false
  if (/[\w.]$/.test(before)) return false
  const after = text.slice(start + value.length, start + value.length + 2)
  if (/^\.\d|^[\w-]/.test(after)) return false
  return true
}

function ipv6Valid(value: string, text: string, start: number): boolean {
  if (!isIPv6(value)) return false
  if (!/\d/.test(value)) return false
  const groups = value.split(':').filter(Boolean).length
  if (groups < 2 && value !== '::1') return false
  const before = text.charAt(start - 1)
  if (before && /[\w:.]/.test(before)) return false
  return true
}

const EMAIL_FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'js', 'ts', 'css', 'json', 'md', 'txt', 'py', 'ico'])

function emailValid(value: string): boolean {
  const at = value.lastIndexOf('@')
  const domain = value.slice(at + 1)
  const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase()
  if (EMAIL_FILE_TLDS.has(tld)) return false
  if (/^\d+x\./i.test(domain)) return false
  return true
}

// ───────────────────────────── the built-in detectors ─────────────────────────────

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g

function pemDetector(): Detector {
  const re = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$(?![\s\S]))/g
  const base = regexDetector({ id: 'private_key', type: 'PRIVATE_KEY', category: 'secrets', rank: 95, re, pre: (t) => t.includes('-----BEGIN') })
  return {
    ...base,
    openAt(text) {
      if (!text.includes('-----BEGIN')) {
        // A partial marker at the very end ("-----BEG") may still become one.
        const dash = text.lastIndexOf('-----')
        return dash >= 0 && '-----BEGIN'.startsWith(text.slice(dash, dash + 10)) && dash + 10 >= text.length ? dash : -1
      }
      PEM_BEGIN.lastIndex = 0
      let last = -1
      let m: RegExpExecArray | null
      while ((m = PEM_BEGIN.exec(text)) !== null) last = m.index
      if (last < 0) return text.lastIndexOf('-----BEGIN')
      return text.indexOf('-----END', last) >= 0 && /-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/.test(text.slice(last)) ? -1 : last
    },
  }
}

/** Character-run scanners: one pass over the text instead of a regex tried at every position. */
function runs(text: string, isChar: (c: number) => boolean, minLength: number, visit: (start: number, end: number) => void): void {
  let start = -1
  for (let i = 0; i <= text.length; i++) {
    const inRun = i < text.length && isChar(text.charCodeAt(i))
    if (inRun) {
      if (start < 0) start = i
    } else if (start >= 0) {
      if (i - start >= minLength) visit(start, i)
      start = -1
    }
  }
}

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
// A-Z a-z 0-9 + / _ = - .
const isTokenChar = (c: number) => isAlnum(c) || c === 43 || c === 47 || c === 95 || c === 61 || c === 45 || c === 46

function entropyDetector(entropy: EntropyOptions): Detector {
  return {
    id: 'high_entropy',
    type: 'SECRET',
    category: 'secrets',
    rank: 10,
    find(text) {
      const out: Match[] = []
      runs(text, isTokenChar, entropy.minLength, (start, end) => {
        // Dots join words (domains, versions, JWT parts): not part of a bare token.
        const token = text.slice(start, end)
        if (token.includes('.')) return
        if (highEntropyValid(token, entropy)) out.push({ start, end, rule: 'high_entropy', type: 'SECRET' })
      })
      return out
    },
  }
}

const EMAIL = /^[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/
const isLocal = (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45
const isDomain = (c: number) => isAlnum(c) || c === 46 || c === 45

function emailDetector(): Detector {
  return {
    id: 'email',
    type: 'EMAIL',
    category: 'pii',
    rank: 70,
    find(text) {
      const out: Match[] = []
      let at = text.indexOf('@')
      while (at >= 0) {
        let s = at
        while (s > 0 && isLocal(text.charCodeAt(s - 1))) s--
        while (s < at && !isAlnum(text.charCodeAt(s))) s++
        let e = at + 1
        while (e < text.length && isDomain(text.charCodeAt(e))) e++
        while (e > at + 1 && !isAlnum(text.charCodeAt(e - 1))) e--
        const candidate = text.slice(s, e)
        const next = text.charAt(e)
        if (s < at && EMAIL.test(candidate) && !/[\w@]/.test(next) && emailValid(candidate)) out.push({ start: s, end: e, rule: 'email', type: 'EMAIL' })
        at = text.indexOf('@', Math.max(at + 1, e))
      }
      return out
    },
  }
}

const isHexColon = (c: number) => (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)

function ipv6Detector(): Detector {
  return {
    id: 'ipv6',
    type: 'IP_ADDRESS',
    category: 'pii',
    rank: 55,
    find(text) {
      const out: Match[] = []
      let at = text.indexOf(':')
      while (at >= 0) {
        let s = at
        while (s > 0 && isHexColon(text.charCodeAt(s - 1))) s--
        let e = at + 1
        while (e < text.length && isHexColon(text.charCodeAt(e))) e++
        const candidate = text.slice(s, e)
        const after = text.charAt(e)
        if (candidate.length >= 3 && !(after && /[\w.]/.test(after)) && ipv6Valid(candidate, text, s)) out.push({ start: s, end: e, rule: 'ipv6', type: 'IP_ADDRESS' })
        at = text.indexOf(':', e + 1)
      }
      return out
    },
  }
}

export function builtinDetectors(entropy: EntropyOptions = { threshold: 4.0, minLength: 20 }): Detector[] {
  return [
    pemDetector(),
    regexDetector({
      id: 'gcp_service_account',
      type: 'GCP_SERVICE_ACCOUNT',
      category: 'secrets',
      rank: 96,
      re: /"private_key"\s*:\s*"(-----BEGIN[^"]*)"?/g,
      group: 1,
      pre: (t) => t.includes('"private_key"') && (t.includes('"client_email"') || t.includes('service_account')),
    }),
    regexDetector({ id: 'aws_access_key', type: 'AWS_ACCESS_KEY', category: 'secrets', rank: 90, re: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, pre: (t) => /A[KSBC][IC]A/.test(t) }),
    regexDetector({
      id: 'aws_secret_key',
      type: 'AWS_SECRET_KEY',
      category: 'secrets',
      rank: 90,
      re: /(?:aws|secret)[\w-]{0,20}?(?:secret|key)["']?\s*(?:[:=]|=>|:=)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
      group: 1,
      pre: (t) => /secret|aws/i.test(t),
    }),
    regexDetector({
      id: 'azure_connection_string',
      type: 'AZURE_KEY',
      category: 'secrets',
      rank: 90,
      re: /(?:(?:DefaultEndpointsProtocol|AccountName|Endpoint|SharedAccessKeyName)=[^;\s"']+;)*(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{30,}={0,2}(?:;(?:EndpointSuffix|EntityPath)=[^;\s"']+)*/g,
      pre: (t) => t.includes('AccessKey=') || t.includes('AccountKey='),
    }),
    regexDetector({ id: 'anthropic_key', type: 'ANTHROPIC_KEY', category: 'secrets', rank: 92, re: /(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,}/g, pre: (t) => t.includes('sk-ant-') }),
    regexDetector({
      id: 'openai_key',
      type: 'OPENAI_KEY',
      category: 'secrets',
      rank: 91,
      re: /(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g,
      pre: (t) => t.includes('sk-'),
      valid: (v) => /\d/.test(v) && /[A-Za-z]/.test(v.slice(3)),
    }),
    regexDetector({ id: 'github_token', type: 'GITHUB_TOKEN', category: 'secrets', rank: 90, re: /(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{50,})/g, pre: (t) => t.includes('gh') || t.includes('github_pat_') }),
    regexDetector({ id: 'gitlab_token', type: 'GITLAB_TOKEN', category: 'secrets', rank: 90, re: /(?<![\w])glpat-[A-Za-z0-9_-]{20,}/g, pre: (t) => t.includes('glpat-') }),
    regexDetector({ id: 'slack_token', type: 'SLACK_TOKEN', category: 'secrets', rank: 90, re: /(?<![\w])xox[abpr]-(?:[0-9]{6,}-){1,3}[A-Za-z0-9-]{10,}/g, pre: (t) => t.includes('xox') }),
    regexDetector({ id: 'stripe_key', type: 'STRIPE_KEY', category: 'secrets', rank: 90, re: /(?<![\w])(?:sk|rk)_live_[A-Za-z0-9]{20,}/g, pre: (t) => t.includes('_live_') }),
    regexDetector({
      id: 'jwt',
      type: 'JWT',
      category: 'secrets',
      rank: 85,
      re: /(?<![\w-])(?:eyJ|ew)[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
      pre: (t) => t.includes('eyJ') || t.includes('ew'),
      valid: jwtHeaderValid,
    }),
    regexDetector({
      id: 'password',
      type: 'PASSWORD',
      category: 'secrets',
      rank: 80,
      re: /(?<![A-Za-z0-9])(?:password|passwd|pwd)["']?\s*(?:=|:)\s*(?:"([^"\n]{1,128})"|'([^'\n]{1,128})'|([^\s"',;`]{1,128}))/gi,
      group: 1,
      pre: (t) => /p(?:ass)?w(?:or)?d/i.test(t),
      valid: (v, text, start) => passwordValueValid(v, text.charAt(start - 1) === '"' || text.charAt(start - 1) === "'"),
    }),
    entropyDetector(entropy),
    // ── PII ──
    emailDetector(),
    regexDetector({
      id: 'credit_card',
      type: 'CREDIT_CARD',
      category: 'pii',
      rank: 75,
      re: /(?<![\w.-])\d(?:[ -]?\d){12,18}/g,
      valid: cardValid,
    }),
    regexDetector({
      id: 'iban',
      type: 'IBAN',
      category: 'pii',
      rank: 75,
      re: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
      valid: ibanValid,
    }),
    regexDetector({
      id: 'ssn',
      type: 'SSN',
      category: 'pii',
      rank: 72,
      re: /(?<![\w.-])\d{3}([- ])\d{2}\1\d{4}(?![\w-]|\.\d)/g,
      valid: ssnValid,
    }),
    regexDetector({
      id: 'phone',
      type: 'PHONE',
      category: 'pii',
      rank: 60,
      re: /(?<![\w+])(?:\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}|\d{3} \d{3} \d{4}|0\d{1,4}[ .-]?\d{3,4}[ .-]?\d{3,4}|0[1-9](?:[ .]\d{2}){4})(?!\d)/g,
      valid: phoneValid,
    }),
    regexDetector({
      id: 'ipv4',
      type: 'IP_ADDRESS',
      category: 'pii',
      rank: 55,
      re: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w])/g,
      pre: (t) => t.includes('.'),
      valid: ipv4Valid,
    }),
    ipv6Detector(),
  ]
}

// ───────────────────────────── custom rules ─────────────────────────────

export interface CustomRegexRule {
  name: string
  type?: string
  regex: string
  flags?: string
}
export interface CustomWordsRule {
  name: string
  type?: string
  words: string[]
}
export interface CustomFunctionRule {
  name: string
  type?: string
  /** A detector function: returns spans of sensitive text. */
  detect: (text: string) => Array<{ start: number; end: number }>
}
export type CustomRule = CustomRegexRule | CustomWordsRule | CustomFunctionRule

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function customDetector(rule: CustomRule): Detector {
  const type = (rule.type ?? rule.name).toUpperCase().replace(/[^A-Z0-9]+/g, '_')
  if ('detect' in rule)
    return { id: rule.name, type, category: 'custom', rank: 100, find: (text) => rule.detect(text).map((s) => ({ start: s.start, end: s.end, rule: rule.name, type })) }
  if ('words' in rule) {
    const words = [...rule.words].filter(Boolean).sort((a, b) => b.length - a.length).map(escapeRegExp)
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.join('|')})(?![\\p{L}\\p{N}_])`, 'giu')
    return regexDetector({ id: rule.name, type, category: 'custom', rank: 100, re })
  }
  const flags = new Set((rule.flags ?? '').split(''))
  flags.add('g')
  flags.delete('y')
  return regexDetector({ id: rule.name, type, category: 'custom', rank: 100, re: new RegExp(rule.regex, [...flags].join('')) })
}
