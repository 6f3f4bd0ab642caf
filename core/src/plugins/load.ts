import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createJiti } from 'jiti'
import { isPlugin } from '@sluice/sdk'
import type { Logger, PluginEntry, SetupContext, SluicePlugin } from '@sluice/sdk'
import type { LoadedPlugin } from '@sluice/sdk/runtime'
import { validatePluginInstance } from '@sluice/sdk/runtime'
import { ConfigError, zodProblems } from '../config/errors.js'
import { wasmPlugin } from '../wasm/plugin.js'

export interface LoadPluginsOptions {
  configFile: string
  configDir: string
  dataDir: string
  log: Logger
  audit: SetupContext['audit']
  cost: SetupContext['cost']
}

const PATH_LIKE = /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])|\.(c|m)?(t|j)s$/

/**
 * Loads the config's plugin list in order: npm package names (resolved from the config's
 * directory, then from the gateway's own install), local paths (TypeScript allowed, via jiti),
 * `.wasm` files (sandboxed Extism plugins, see core/src/wasm/) and plugin objects, each
 * optionally as `[ref, options]` with options checked by the plugin's own schema. All problems
 * are gathered and thrown together as a ConfigError.
 */
export async function loadPlugins(entries: readonly PluginEntry[], opts: LoadPluginsOptions): Promise<LoadedPlugin[]> {
  const problems: string[] = []
  const loaded: LoadedPlugin[] = []
  for (const [index, entry] of entries.entries()) {
    const [ref, options] = Array.isArray(entry) ? entry : [entry, undefined]
    const where = `plugins[${index}]`
    const label = typeof ref === 'string' ? ref : (ref as SluicePlugin).name
    let plugin: SluicePlugin
    try {
      plugin = typeof ref === 'string' ? await importPlugin(ref, opts.configDir) : (ref as SluicePlugin)
    } catch (error) {
      problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`)
      continue
    }
    if (!isPlugin(plugin)) {
      problems.push(`${where}: ${label} does not export a plugin (make its default export with definePlugin or defineProvider)`)
      continue
    }
    let parsedOptions: unknown = options
    if (plugin.options) {
      const parsed = plugin.options.safeParse(options ?? {})
      if (!parsed.success) {
        problems.push(...zodProblems(parsed.error, Array.isArray(entry) ? `${where}[1]` : `${where} options`))
        continue
      }
      parsedOptions = parsed.data
    }
    try {
      const instance = await plugin.setup(parsedOptions as never, {
        configDir: opts.configDir,
        dataDir: opts.dataDir,
        log: opts.log,
        audit: opts.audit,
        cost: opts.cost,
      })
      validatePluginInstance(plugin.name, instance)
      loaded.push({ name: plugin.name, failOpen: plugin.failOpen ?? false, instance })
    } catch (error) {
      problems.push(`${where}: ${label}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (problems.length) {
    // Nothing of a refused config may keep running (WASM plugins hold worker threads).
    for (const plugin of loaded.reverse()) await Promise.resolve(plugin.instance.close?.()).catch(() => {})
    throw new ConfigError(opts.configFile, problems)
  }
  return loaded
}

async function importPlugin(ref: string, configDir: string): Promise<SluicePlugin> {
  // A WASM plugin (Extism): its options are the host's (core/src/wasm/options.ts).
  if (/\.wasm$/i.test(ref)) return wasmPlugin(path.resolve(configDir, ref))
  if (PATH_LIKE.test(ref)) {
    const file = path.resolve(configDir, ref)
    const mod = await jitiFor(configDir).import<Record<string, unknown>>(file).catch((error: unknown) => {
      throw new Error(`cannot load ${ref} (${file}): ${error instanceof Error ? error.message : String(error)}`)
    })
    return pickExport(mod)
  }
  // A package: from the config's directory first, then from where the gateway is installed.
  const bases = [configDir, path.dirname(fileURLToPath(import.meta.url))]
  let lastError: unknown
  for (const base of bases) {
    try {
      const resolved = jitiFor(base).esmResolve(ref, { try: true })
      if (!resolved) continue
      const mod = await import(resolved.startsWith('file:') ? resolved : pathToFileURL(resolved).href)
      return pickExport(mod as Record<string, unknown>)
    } catch (error) {
      lastError = error
    }
  }
  if (lastError) throw new Error(`cannot load package ${ref}: ${lastError instanceof Error ? lastError.message : String(lastError)}`)
  throw new Error(`cannot find package ${ref} (install it with npm install ${ref})`)
}

const jitis = new Map<string, ReturnType<typeof createJiti>>()

function jitiFor(dir: string): ReturnType<typeof createJiti> {
  let jiti = jitis.get(dir)
  if (!jiti) {
    jiti = createJiti(path.join(dir, '_sluice_loader.js'), { interopDefault: true, moduleCache: true })
    jitis.set(dir, jiti)
  }
  return jiti
}

function pickExport(mod: Record<string, unknown>): SluicePlugin {
  const candidate = (mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod) as unknown
  // A doubly wrapped default (CJS interop) still counts.
  if (!isPlugin(candidate) && candidate && typeof candidate === 'object' && 'default' in candidate)
    return (candidate as { default: SluicePlugin }).default
  return candidate as SluicePlugin
}
