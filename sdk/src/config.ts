import { z } from 'zod'
import type { SluicePlugin } from './plugin.js'

/**
 * A plugin in the config list: an npm package name, a path (`.ts`, `.js`, `.mjs`), a plugin
 * object, or `[nameOrPlugin, options]`.
 */
export type PluginEntry = string | SluicePlugin | [string | SluicePlugin] | [string | SluicePlugin, unknown]

const pluginRef = z.union([
  z.string().min(1, 'empty plugin name'),
  z.custom<SluicePlugin>((v) => !!v && typeof v === 'object', 'expected a plugin name, a path or a plugin object'),
])

export const pluginEntrySchema = z.union([pluginRef, z.tuple([pluginRef]), z.tuple([pluginRef, z.unknown()])])

export const serverConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest accepted request body, bytes. */
    bodyLimit: z.number().int().positive().default(10 * 1024 * 1024),
    /** How long graceful shutdown waits for in-flight requests, ms. */
    shutdownTimeoutMs: z.number().int().nonnegative().default(30_000),
    /** Idle keep-alive timeout for client connections, ms. */
    keepAliveTimeoutMs: z.number().int().positive().default(65_000),
  })
  .strict()

export const sluiceConfigSchema = z
  .object({
    /** JSON Schema reference for editors; ignored. */
    $schema: z.string().optional(),
    server: serverConfigSchema.default(() => serverConfigSchema.parse({})),
    /** Where state files go, relative to the config file. */
    dataDir: z.string().default('./data'),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    plugins: z.array(pluginEntrySchema).default([]),
  })
  .strict()

export type SluiceConfig = z.output<typeof sluiceConfigSchema>
export type SluiceConfigInput = z.input<typeof sluiceConfigSchema>
export type ServerConfig = z.output<typeof serverConfigSchema>
