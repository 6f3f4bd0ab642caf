import type { ActiveRule, Finding } from './scan.js'
import { applyRedactions, scan } from './scan.js'

const CONTEXT = 64

/**
 * A hold-back window over one stream of text (a choice's content, or one tool call's
 * arguments). `push` returns the prefix that can no longer be part of a match, redacted;
 * the tail that could still be (the last `window` chars, or from the start of an open match)
 * stays held until more text arrives or `end` is called.
 */
export class HoldBack {
  #pending = ''
  #context = ''
  constructor(
    private readonly rules: readonly ActiveRule[],
    private readonly window: number,
  ) {}

  get held(): number {
    return this.#pending.length
  }

  push(delta: string): { text: string; findings: Finding[] } {
    this.#pending += delta
    return this.#release(false)
  }

  end(): { text: string; findings: Finding[] } {
    return this.#release(true)
  }

  #release(final: boolean): { text: string; findings: Finding[] } {
    const pending = this.#pending
    if (!pending) return { text: '', findings: [] }
    const off = this.#context.length
    const text = this.#context + pending
    const found = scan(text, this.rules).filter((f) => f.end > off)
    let cut = final ? pending.length : pending.length - this.window
    if (!final) {
      for (const rule of this.rules) {
        const open = rule.detector.openAt?.(text) ?? -1
        if (open >= 0) cut = Math.min(cut, open - off)
      }
      let moved = true
      while (moved && cut > 0) {
        moved = false
        for (const f of found)
          if (f.end - off > cut && f.start - off < cut) {
            cut = Math.max(0, f.start - off)
            moved = true
          }
      }
    }
    if (cut <= 0) return { text: '', findings: [] }
    const released = found.filter((f) => f.end - off <= cut).map((f) => (f.start < off ? { ...f, start: off } : f))
    const raw = pending.slice(0, cut)
    this.#pending = pending.slice(cut)
    this.#context = (this.#context + raw).slice(-CONTEXT)
    return { text: applyRedactions(raw, released, off), findings: released }
  }
}
