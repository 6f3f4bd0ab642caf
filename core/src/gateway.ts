import path from 'node:path'
import type { Server } from 'node:http'
import type { ProviderAdapter, SluiceConfig, SluiceConfigInput } from '@sluice/sdk'
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
import { frontDoors } from './front-doors/index.js'
import type { FrontDoorDeps } from './front-doors/types.js'
import { createListener, listen } from './server.js'
import type { ServerState } from './server.js'

export interface GatewayOptions {
  /** Where logs go (one JSON object a line); defaults to stdout. */
  logWrite?: (line: string) => void
}

/** A running (or ready to run) gateway assembled from a config. */
export class Gateway {
  readonly config: SluiceConfig
  readonly pipeline: Pipeline
  readonly router: Router
  readonly log: ReturnType<typeof createLogger>
  readonly #deps: FrontDoorDeps
  readonly #client: UpstreamClient
  readonly #state: ServerState = { shuttingDown: false }
  #server: Server | undefined
  #address: { host: string; port: number } | undefined
  #closing: Promise<void> | undefined

  constructor(config: SluiceConfig, pipeline: Pipeline, router: Router, planner: Planner, log: ReturnType<typeof createLogger>) {
    this.config = config
    this.pipeline = pipeline
    this.router = router
    this.log = log
    this.#client = new UpstreamClient()
    this.#deps = {
      pipeline,
      router,
      planner,
      dispatcher: new Dispatcher(planner, router.providers, this.#client, config.routing, log),
      log,
      bodyLimit: config.server.bodyLimit,
      inflight: new Inflight(),
      logRequests: config.log.level === 'debug',
    }
  }

  /** The base URL once listening, e.g. `http://127.0.0.1:8080`. */
  get url(): string {
    if (!this.#address) throw new Error('the gateway is not listening')
    const host = this.#address.host.includes(':') ? `[${this.#address.host}]` : this.#address.host
    return `http://${host}:${this.#address.port}`
  }

  async listen(override: { host?: string; port?: number } = {}): Promise<{ url: string; host: string; port: number }> {
    const listener = createListener(this.#deps, frontDoors, this.#state)
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
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to
   * `server.shutdownTimeoutMs`), flush postLog work, close plugins and upstream pools.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#state.shuttingDown = true
    const server = this.#server
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve()
    server?.closeIdleConnections()
    const idle = await this.#deps.inflight.idle(this.config.server.shutdownTimeoutMs)
    if (!idle) this.log.warn('shutdown deadline passed; closing the remaining requests', { inflight: this.#deps.inflight.count })
    server?.closeAllConnections()
    await closed
    await this.pipeline.close()
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
  const loaded = isLoaded(input) ? input : resolveConfig(input)
  const { config, configDir, file } = loaded
  const log = createLogger(config.log.level, {}, options.logWrite)
  const dataDir = path.resolve(configDir, config.dataDir)
  const plugins = await loadPlugins(config.plugins, { configFile: file, configDir, dataDir, log })
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
  return new Gateway(config, pipeline, router, planner, log)
}

function isLoaded(value: SluiceConfigInput | LoadedConfig): value is LoadedConfig {
  return 'config' in value && 'configDir' in value && 'file' in value
}
