import type { z } from 'zod'

/** A config that cannot be used; `problems` are "path: problem" lines. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid config ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`)
  }
}

/** Renders a zod path as `plugins[0][1].keys[0].value`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out ? `.${String(part)}` : String(part)
  }
  return out || '(root)'
}

export function zodProblems(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path, prefix)}: ${describeIssue(issue)}`)
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  return issue.message
}
