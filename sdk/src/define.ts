import type { z } from 'zod'
import { PLUGIN_BRAND } from './plugin.js'
import type { PluginDefinition, PluginInstance, SetupContext, SluicePlugin } from './plugin.js'
import type { ProviderAdapter } from './provider.js'
import type { SluiceConfigInput } from './config.js'

type Awaitable<T> = T | Promise<T>

/**
 * Define a plugin: a name, an options schema, and a `setup` that returns its hooks.
 *
 * @example
 * export default definePlugin({
 *   name: 'acme-tagger',
 *   options: z.object({ tag: z.string() }),
 *   setup({ tag }) {
 *     return { preRequest(ctx) { ctx.meta.tag = tag } }
 *   },
 * })
 */
export function definePlugin<S extends z.ZodType>(definition: PluginDefinition<S>): SluicePlugin<S> {
  if (!definition || typeof definition.name !== 'string' || !definition.name)
    throw new TypeError('definePlugin: a plugin needs a non-empty `name`')
  if (typeof definition.setup !== 'function') throw new TypeError(`definePlugin(${definition.name}): \`setup\` must be a function`)
  // The brand sits on the prototype: config processing (env interpolation, cloning) treats the
  // definition as an opaque object rather than as plain data.
  return Object.assign(Object.create(pluginPrototype) as object, definition) as SluicePlugin<S>
}

const pluginPrototype = Object.freeze({ [PLUGIN_BRAND]: true as const })

/** True when `value` was made by `definePlugin` (also across duplicated SDK copies). */
export function isPlugin(value: unknown): value is SluicePlugin {
  return !!value && typeof value === 'object' && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true
}

export interface ProviderDefinition<S extends z.ZodType> {
  name: string
  /** Options schema; extend `providerOptionsSchema` so users get the common options. */
  options: S
  /** Build the provider instance(s) from validated options. */
  create(options: z.output<S>, context: SetupContext): Awaitable<ProviderAdapter | ProviderAdapter[]>
  /** Extra hooks the provider plugin wants (rare). */
  hooks?: Omit<PluginInstance, 'providers'>
}

/**
 * Define a provider plugin. Core does the HTTP (pooling, timeouts, key choice, aborts); the
 * adapter only translates requests, responses, stream events and errors.
 *
 * @example
 * export default defineProvider({
 *   name: '@acme/provider-internal',
 *   options: providerOptionsSchema,
 *   create: (opts) => openAICompatible({ ...opts, id: opts.id ?? 'internal', kind: 'internal' }),
 * })
 */
export function defineProvider<S extends z.ZodType>(definition: ProviderDefinition<S>): SluicePlugin<S> {
  return definePlugin({
    name: definition.name,
    options: definition.options,
    async setup(options, context) {
      const created = await definition.create(options, context)
      return { ...definition.hooks, providers: Array.isArray(created) ? created : [created] }
    },
  })
}

/**
 * Type the config file.
 *
 * @example
 * export default defineConfig({ plugins: [['@sluice/provider-openai', { keys: [{ value: '${OPENAI_API_KEY}' }] }]] })
 */
export function defineConfig(config: SluiceConfigInput): SluiceConfigInput {
  return config
}
