import path from 'node:path'
import type { RequestListener, Server } from 'node:http'
import type { ProviderAdapter, SetupContext, SluiceConfig, SluiceConfigInput } from '@sluice/sdk'
import { Pipeline } from '@sluice/sdk/runtime'
import { resolveConfig } from './config/load.js'
import type { LoadedConfig } from './config/load.js'
import { ConfigError } from './config/errors.js'
import { createLogger } from './log.js'
import { loadPlugins } from './plugins/load.js'
import { Router } from './router.js'
import { Planner, RouteConfigError } from './routing/plan.js'
import { UpstreamClient } from './upstream/client.js'
import { Dispatcher } from './engine/dispatch.js'
import { Inflight } from './engine/inflight.js'
import { AuditLog } from './audit/chain.js'
import { Pricing } from './pricing.js'
import { frontDoors } from './front-doors/index.js'
import type { FrontDoorDeps } from './front-doors/types.js'
import { createListener, listen } from './server.js'
import type { ServerState } from './server.js'

export interface GatewayOptions {
  /** Where logs go (one JSON object a line); defaults to stdout. */
  logWrite?: (line: string) => void
}

/** Everything built from one config: swapped whole on reload. */
interface Assembly {
  audit: AuditLog | undefined
  loaded: LoadedConfig
  log: ReturnType<typeof createLogger>
  pipeline: Pipeline
  router: Router
  deps: FrontDoorDeps
  listener?: RequestListener
}

/** A running (or ready to run) gateway assembled from a config. */
export class Gateway {
  #current: Assembly
  readonly #options: GatewayOptions
  readonly #client: UpstreamClient
  readonly #state: ServerState = { shuttingDown: false }
  /** Assemblies replaced by a reload, still finishing their in-flight requests. */
  readonly #draining = new Set<Promise<void>>()
  #server: Server | undefined
  #address: { host: string; port: number } | undefined
  #closing: Promise<void> | undefined

  /** Use `createGateway`. */
  constructor(assembly: Assembly, client: UpstreamClient, options: GatewayOptions) {
    this.#current = assembly
    this.#client = client
    this.#options = options
  }

  get config(): SluiceConfig {
    return this.#current.loaded.config
  }

  get pipeline(): Pipeline {
    return this.#current.pipeline
  }

  get router(): Router {
    return this.#current.router
  }

  get log(): ReturnType<typeof createLogger> {
    return this.#current.log
  }

  /** The base URL once listening, e.g. `http://127.0.0.1:8080`. */
  get url(): string {
    if (!this.#address) throw new Error('the gateway is not listening')
    const host = this.#address.host.includes(':') ? `[${this.#address.host}]` : this.#address.host
    return `http://${host}:${this.#address.port}`
  }

  async listen(override: { host?: string; port?: number } = {}): Promise<{ url: string; host: string; port: number }> {
    const listener = this.#listenerFor(this.#current)
    const { server, host, port } = await listen(listener, {
      host: override.host ?? this.config.server.host,
      port: override.port ?? this.config.server.port,
      keepAliveTimeoutMs: this.config.server.keepAliveTimeoutMs,
    })
    this.#server = server
    this.#address = { host, port }
    this.log.info('listening', { url: this.url, providers: this.router.providers.map((p) => p.id), plugins: this.pipeline.plugins.map((p) => p.name) })
    return { url: this.url, host, port }
  }

  /**
   * Swaps in a new config without dropping a request: new requests get the new plugins, providers
   * and routes at once; requests in flight finish on the old ones, which are closed after them.
   * An invalid config throws a ConfigError and changes nothing. The listening address stays.
   */
  async reload(input: SluiceConfigInput | LoadedConfig): Promise<void> {
    if (this.#state.shuttingDown) throw new Error('the gateway is shutting down')
    const next = await assemble(isLoaded(input) ? input : resolveConfig(input, this.#current.loaded.file, this.#current.loaded.configDir), this.#client, this.#options, this.#current.audit)
    const previous = this.#current
    const { host, port } = next.loaded.config.server
    if (this.#address && (host !== previous.loaded.config.server.host || port !== previous.loaded.config.server.port))
      next.log.warn('server.host and server.port apply at the next start, not on reload')
    this.#current = next
    if (this.#server && previous.listener) {
      this.#server.off('request', previous.listener)
      this.#server.on('request', this.#listenerFor(next))
    }
    const drained = previous.deps.inflight
      .idle(previous.loaded.config.server.shutdownTimeoutMs)
      .then(() => previous.pipeline.close())
      .catch((error: unknown) => next.log.error('closing the previous config failed', { error: error instanceof Error ? error.message : String(error) }))
    this.#draining.add(drained)
    void drained.finally(() => this.#draining.delete(drained))
    next.log.info('config reloaded', { providers: next.router.providers.map((p) => p.id), plugins: next.pipeline.plugins.map((p) => p.name), inflightOnPrevious: previous.deps.inflight.count })
  }

  #listenerFor(assembly: Assembly): RequestListener {
    assembly.listener ??= createListener(assembly.deps, frontDoors, this.#state)
    return assembly.listener
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to
   * `server.shutdownTimeoutMs`), flush postLog work, close plugins and upstream pools.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#state.shuttingDown = true
    const current = this.#current
    const server = this.#server
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve()
    server?.closeIdleConnections()
    const idle = await current.deps.inflight.idle(this.config.server.shutdownTimeoutMs)
    if (!idle) this.log.warn('shutdown deadline passed; closing the remaining requests', { inflight: current.deps.inflight.count })
    server?.closeAllConnections()
    await closed
    await Promise.allSettled([...this.#draining])
    await current.pipeline.close()
    await current.audit?.flush()
    await this.#client.close()
    this.log.info('stopped')
  }
}

/**
 * Assembles a gateway from a config: loads the plugins in order, collects their providers,
 * and builds the router and lifecycle pipeline.
 *
 * @example
 * const gateway = await createGateway({ plugins: ['@sluice/mock-provider'] })
 * await gateway.listen({ port: 0 })
 */
export async function createGateway(input: SluiceConfigInput | LoadedConfig, options: GatewayOptions = {}): Promise<Gateway> {
  // One pool per upstream origin for the gateway's life: reloads keep warm connections.
  const client = new UpstreamClient()
  return new Gateway(await assemble(isLoaded(input) ? input : resolveConfig(input), client, options), client, options)
}

/** Loads the plugins in order, collects their providers, builds router, planner and pipeline. */
async function assemble(loaded: LoadedConfig, client: UpstreamClient, options: GatewayOptions, audit?: AuditLog): Promise<Assembly> {
  const { config, configDir, file } = loaded
  const log = createLogger(config.log.level, {}, options.logWrite)
  const dataDir = path.resolve(configDir, config.dataDir)
  audit ??= config.audit.enabled ? new AuditLog(path.resolve(dataDir, config.audit.file)) : undefined
  const recordAudit: SetupContext['audit'] = (event) => void audit?.append(event)
  // Plugins may price usage from their hooks; the router that knows provider kinds comes after them.
  const pricing = new Pricing(config.prices)
  let kindOf: (provider: string) => string = (provider) => provider
  const cost: SetupContext['cost'] = (provider, model, usage) => pricing.cost(provider, kindOf(provider), model, usage)
  const plugins = await loadPlugins(config.plugins, { configFile: file, configDir, dataDir, log, audit: recordAudit, cost })
  const providers: ProviderAdapter[] = plugins.flatMap((p) => p.instance.providers ?? [])
  let router: Router
  let planner: Planner
  let pipeline: Pipeline
  try {
    router = new Router(providers)
    pipeline = new Pipeline(plugins, log)
  } catch (error) {
    throw new ConfigError(file, [`plugins: ${error instanceof Error ? error.message : String(error)}`])
  }
  try {
    planner = new Planner(router, config.routes, config.routing)
  } catch (error) {
    throw new ConfigError(file, error instanceof RouteConfigError ? error.problems : [`routes: ${String(error)}`])
  }
  if (providers.length === 0) log.warn('no provider is configured: every inference request will answer 404')
  kindOf = (provider) => router.provider(provider)?.kind ?? provider
  const deps: FrontDoorDeps = {
    pipeline,
    router,
    planner,
    dispatcher: new Dispatcher(planner, providers, client, config.routing, log),
    log,
    bodyLimit: config.server.bodyLimit,
    inflight: new Inflight(),
    logRequests: config.log.level === 'debug',
    audit,
    cost,
  }
  return { loaded, log, pipeline, router, deps, audit }
}

function isLoaded(value: SluiceConfigInput | LoadedConfig): value is LoadedConfig {
  return 'config' in value && 'configDir' in value && 'file' in value
}
