/**
 * `${VAR}` interpolation in config strings, so secrets stay in the environment.
 * `${VAR:-fallback}` gives a default; `$${VAR}` is a literal `${VAR}`.
 * Plugin objects and functions in a TS config are left alone.
 */
const PATTERN = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

export interface EnvProblem {
  path: string
  message: string
}

export function interpolateEnv<T>(value: T, env: NodeJS.ProcessEnv = process.env): { value: T; problems: EnvProblem[] } {
  const problems: EnvProblem[] = []
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return replaceInString(node, path, env, problems)
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`))
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(node)) out[key] = walk(item, path ? `${path}.${key}` : key)
      return out
    }
    return node
  }
  return { value: walk(value, '') as T, problems }
}

function replaceInString(text: string, path: string, env: NodeJS.ProcessEnv, problems: EnvProblem[]): string {
  if (!text.includes('${')) return text
  return text.replace(PATTERN, (match, name: string, fallback: string | undefined) => {
    if (match.startsWith('$$')) return match.slice(1)
    const found = env[name]
    if (found !== undefined && found !== '') return found
    if (fallback !== undefined) return fallback
    problems.push({ path: path || '(root)', message: `environment variable ${name} is not set` })
    return ''
  })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
