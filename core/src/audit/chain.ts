import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { appendFile, readFile } from 'node:fs/promises'
import path from 'node:path'

/** What a plugin or core records: who did what to what. */
export interface AuditEvent {
  /** e.g. `policy.refusal`, `admin.key.create`. */
  type: string
  /** Who: a key id, an admin token name, an address. Never a secret. */
  actor?: string
  /** What it was done to. */
  target?: string
  details?: Record<string, unknown>
}

export interface AuditEntry extends AuditEvent {
  seq: number
  time: string
  /** Hash of the previous entry (`0…0` for the first). */
  prev: string
  /** sha256 over `prev` and this entry's other fields. */
  hash: string
}

const GENESIS = '0'.repeat(64)

function hashOf(entry: Omit<AuditEntry, 'hash'>): string {
  // Fixed field order: the hash must not depend on how an entry was built.
  const canonical = JSON.stringify([entry.seq, entry.time, entry.prev, entry.type, entry.actor ?? null, entry.target ?? null, entry.details ?? null])
  return createHash('sha256').update(canonical).digest('hex')
}

/**
 * An append-only, hash-chained audit log in a JSON-lines file: each entry carries the hash of
 * the one before, so an edited, deleted or reordered entry breaks the chain (`sluice audit
 * verify`). Appends are queued and written in order off the request path; `flush` waits for them.
 */
export class AuditLog {
  readonly file: string
  #seq = 0
  #last = GENESIS
  #writing: Promise<void> = Promise.resolve()
  #failures = 0

  constructor(file: string) {
    this.file = file
    mkdirSync(path.dirname(file), { recursive: true })
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
      const last = lines.at(-1)
      if (last) {
        const entry = JSON.parse(last) as AuditEntry
        this.#seq = entry.seq
        this.#last = entry.hash
      }
    }
  }

  /** Entries that could not be written (disk full …); also logged by the gateway. */
  get failures(): number {
    return this.#failures
  }

  append(event: AuditEvent): AuditEntry {
    const base = { seq: ++this.#seq, time: new Date().toISOString(), prev: this.#last, type: event.type, actor: event.actor, target: event.target, details: event.details }
    const entry: AuditEntry = { ...base, hash: hashOf(base) }
    this.#last = entry.hash
    const line = `${JSON.stringify(entry)}\n`
    this.#writing = this.#writing.then(() => appendFile(this.file, line)).catch(() => void this.#failures++)
    return entry
  }

  flush(): Promise<void> {
    return this.#writing
  }
}

export interface VerifyResult {
  ok: boolean
  entries: number
  problems: string[]
}

/** Checks every link of the chain: sequence, previous hash and each entry's own hash. */
export async function verifyAuditFile(file: string): Promise<VerifyResult> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
  const problems: string[] = []
  let prev = GENESIS
  let seq = 0
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`
    let entry: AuditEntry
    try {
      entry = JSON.parse(line) as AuditEntry
    } catch {
      problems.push(`${where}: not valid JSON`)
      return
    }
    if (entry.seq !== seq + 1) problems.push(`${where}: sequence ${entry.seq} follows ${seq} (an entry is missing or out of order)`)
    if (entry.prev !== prev) problems.push(`${where}: does not chain to the entry before it`)
    const { hash, ...rest } = entry
    if (hashOf(rest) !== hash) problems.push(`${where}: content does not match its hash (edited)`)
    prev = entry.hash
    seq = entry.seq
  })
  return { ok: problems.length === 0, entries: lines.length, problems }
}
