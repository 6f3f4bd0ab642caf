import type { Logger } from '@sluice/sdk'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/**
 * Structured JSON logs on stdout, one object a line. Fields are the caller's: never pass a
 * secret (keys are masked before they get here).
 */
export function createLogger(level: LogLevel = 'info', bindings: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(l)): Logger & { level: LogLevel; child(b: Record<string, unknown>): Logger } {
  const min = RANK[level]
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return
    write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...bindings, ...fields }, errorReplacer)}\n`)
  }
  return {
    level,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (b) => createLogger(level, { ...bindings, ...b }, write),
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}
