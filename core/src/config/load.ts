import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig as c12Load } from 'c12'
import { sluiceConfigSchema } from '@sluice/sdk'
import type { SluiceConfig, SluiceConfigInput } from '@sluice/sdk'
import { ConfigError, zodProblems } from './errors.js'
import { interpolateEnv } from './env.js'

export interface LoadedConfig {
  config: SluiceConfig
  /** Absolute path of the file, or `(inline)`. */
  file: string
  /** Relative plugin paths and the data dir resolve from here. */
  configDir: string
}

export const CONFIG_NAMES = ['sluice.config.ts', 'sluice.config.mts', 'sluice.config.js', 'sluice.config.mjs', 'sluice.config.json', 'sluice.config.yaml', 'sluice.config.yml']

/** The first `sluice.config.*` in a directory, if any. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const candidate = path.join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

/**
 * Loads a config file with c12 (ts, js, json, yaml), interpolates `${ENV}` and validates it.
 * Throws a ConfigError whose problems read "path: problem".
 */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const absolute = path.resolve(file)
  if (!existsSync(absolute)) throw new ConfigError(absolute, ['(file): not found'])
  let raw: unknown
  try {
    raw = await readWithC12(absolute)
  } catch (error) {
    throw new ConfigError(absolute, [`(file): cannot be read: ${error instanceof Error ? error.message : String(error)}`])
  }
  return resolveConfig(raw, absolute, path.dirname(absolute))
}

/** Validates a config given as an object (tests, embedding). */
export function resolveConfig(raw: unknown, file = '(inline)', configDir = process.cwd()): LoadedConfig {
  const { value, problems } = interpolateEnv((raw ?? {}) as SluiceConfigInput)
  const parsed = sluiceConfigSchema.safeParse(value)
  const lines = problems.map((p) => `${p.path}: ${p.message}`)
  if (!parsed.success) lines.push(...zodProblems(parsed.error))
  if (lines.length || !parsed.success) throw new ConfigError(file, [...new Set(lines)])
  return { config: parsed.data, file, configDir }
}

async function readWithC12(file: string): Promise<unknown> {
  // c12 imports JSON through jiti, whose JSON import stays cached for the process: a reload
  // would see the old file. JSON needs no loader: parse it here.
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8')
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new Error(`invalid JSON (${error instanceof Error ? error.message : String(error)})`)
    }
  }
  const { config } = await c12Load({
    configFile: file,
    cwd: path.dirname(file),
    rcFile: false,
    globalRc: false,
    dotenv: false,
    packageJson: false,
    envName: false,
    configFileRequired: true,
    // A reload must read the file again, not a cached transpilation.
    jitiOptions: { moduleCache: false, fsCache: false },
    // Keep plugin objects and arrays as the user wrote them.
    merger: (...sources) => sources.find((s) => s && Object.keys(s).length) ?? {},
  })
  return config
}
