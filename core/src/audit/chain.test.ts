import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AuditLog, verifyAuditFile } from './chain.js'

async function logWith(n: number): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'audit-')), 'audit.jsonl')
  const log = new AuditLog(file)
  for (let i = 1; i <= n; i++) log.append({ type: 'admin.key.create', actor: 'admin', target: `vk-${i}`, details: { i } })
  await log.flush()
  return file
}

const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n')
const rewrite = (file: string, next: string[]) => writeFileSync(file, `${next.join('\n')}\n`)

describe('AuditLog', () => {
  it('writes a chain that verifies, and continues it after a restart', async () => {
    const file = await logWith(3)
    const again = new AuditLog(file)
    again.append({ type: 'policy.refusal', actor: 'vk-9' })
    await again.flush()
    expect(await verifyAuditFile(file)).toEqual({ ok: true, entries: 4, problems: [] })
  })

  it('detects an edited entry', async () => {
    const file = await logWith(3)
    const l = lines(file)
    l[1] = l[1].replace('"vk-2"', '"vk-X"')
    rewrite(file, l)
    const r = await verifyAuditFile(file)
    expect(r.ok).toBe(false)
    expect(r.problems).toContain('line 2: content does not match its hash (edited)')
  })

  it('detects an edited entry whose hash was recomputed to match', async () => {
    const file = await logWith(3)
    const l = lines(file).map((x) => JSON.parse(x))
    l[0].target = 'vk-X'
    // A forger recomputing the hash still breaks the next entry's link.
    const forged = new AuditLog(path.join(mkdtempSync(path.join(tmpdir(), 'audit-')), 'x.jsonl')).append({ type: l[0].type, actor: l[0].actor, target: 'vk-X', details: l[0].details })
    l[0] = { ...forged, seq: 1, time: l[0].time }
    rewrite(file, l.map((x) => JSON.stringify(x)))
    expect((await verifyAuditFile(file)).ok).toBe(false)
  })

  it('detects a deleted entry', async () => {
    const file = await logWith(3)
    const l = lines(file)
    rewrite(file, [l[0], l[2]])
    const r = await verifyAuditFile(file)
    expect(r.ok).toBe(false)
    expect(r.problems.join(' ')).toContain('missing or out of order')
  })

  it('detects reordered entries', async () => {
    const file = await logWith(3)
    const l = lines(file)
    rewrite(file, [l[0], l[2], l[1]])
    expect((await verifyAuditFile(file)).ok).toBe(false)
  })
})
