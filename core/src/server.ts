import { createServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { H3, toNodeHandler } from 'h3'
import { GatewayError } from '@sluice/sdk'
import { openAICodec } from './front-doors/openai/codec.js'
import type { FrontDoor, FrontDoorDeps } from './front-doors/types.js'
import { HANDLED, nodeOf, sendError, sendJson } from './http/node.js'
import { DataPlane } from './http/data-plane.js'

export interface ServerState {
  shuttingDown: boolean
}

/**
 * The request listener: the front doors' inference routes on the data plane (node:http), and an
 * h3 app for health, models and OpenAI-shaped 404/503 for everything else.
 */
export function createListener(deps: FrontDoorDeps, frontDoors: FrontDoor[], state: ServerState): RequestListener {
  const dataPlane = new DataPlane()
  const app = createApp(deps, frontDoors, state, dataPlane)
  const fallback = toNodeHandler(app) as RequestListener
  const plane = dataPlane.listener(fallback, (error, res) => {
    deps.log.error('unhandled error in a data-plane route', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    if (!res.headersSent) sendError(res, openAICodec, new GatewayError(500, 'gateway_internal', 'Internal gateway error'))
    else res.destroy()
  })
  return (req, res) => {
    if (state.shuttingDown && req.url !== '/health') {
      sendError(res, openAICodec, new GatewayError(503, 'gateway_shutting_down', 'The gateway is shutting down; retry on another instance', { headers: { connection: 'close', 'retry-after': '1' } }))
      return
    }
    plane(req, res)
  }
}

function createApp(deps: FrontDoorDeps, frontDoors: FrontDoor[], state: ServerState, dataPlane: DataPlane): H3 {
  const app = new H3({
    silent: true,
    onError(error, event) {
      const { res } = nodeOf(event)
      // h3's own refusal of the request (a malformed URL is its 400): the caller's, not ours.
      if (error.status === 400 && !error.unhandled) {
        if (!res.headersSent) sendError(res, openAICodec, new GatewayError(400, 'caller_invalid_request', error.message || 'Bad request'))
        return HANDLED
      }
      // Last resort: never a stack to the client.
      deps.log.error('unhandled error in a route', { error: error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : error.message })
      if (!res.headersSent) sendError(res, openAICodec, new GatewayError(500, 'gateway_internal', 'Internal gateway error'))
      return HANDLED
    },
  })
  app.get('/health', (event) => {
    const { res } = nodeOf(event)
    const status = state.shuttingDown ? 'shutting_down' : 'ok'
    return sendJson(res, state.shuttingDown ? 503 : 200, {
      status,
      inflight: deps.inflight.count,
      providers: deps.router.providers.map((p) => ({ id: p.id, inflight: deps.dispatcher.limiter.inFlight(p.id), keys: deps.dispatcher.keyStates(p.id) })),
      targets: deps.dispatcher.health.snapshot(),
    })
  })
  for (const frontDoor of frontDoors) frontDoor(app, deps, dataPlane)
  for (const plugin of deps.pipeline.plugins)
    for (const route of plugin.instance.routes ?? [])
      app.on(route.method, route.path, async (event) => {
        try {
          return await route.handler(event.req, (event.context.params ?? {}) as Record<string, string>)
        } catch (error) {
          // A plugin route's failure is the plugin's: logged, answered without a stack.
          deps.log.error('plugin route failed', { plugin: plugin.name, path: route.path, error: error instanceof Error ? error.message : String(error) })
          return Response.json(new GatewayError(500, 'gateway_plugin_error', `Plugin "${plugin.name}" failed`).toJSON(), { status: 500 })
        }
      })
  app.all('/**', (event) => {
    const { req, res } = nodeOf(event)
    return sendError(res, openAICodec, new GatewayError(404, 'caller_not_found', `No route for ${req.method} ${event.url.pathname}`))
  })
  return app
}

export interface ListenOptions {
  host: string
  port: number
  keepAliveTimeoutMs: number
}

/** Listens on host:port; a port in use is an error, never a silent move to another port. */
export async function listen(listener: RequestListener, options: ListenOptions): Promise<{ server: Server; host: string; port: number }> {
  const server = createServer({ keepAliveTimeout: options.keepAliveTimeoutMs, requestTimeout: 0 }, listener)
  server.headersTimeout = Math.max(options.keepAliveTimeoutMs + 1000, 60_000)
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE')
        reject(new Error(`Port ${options.port} on ${options.host} is already in use. Stop the other process, or choose another port with --port.`))
      else if (error.code === 'EACCES') reject(new Error(`Not allowed to listen on ${options.host}:${options.port} (${error.code}). Choose a port above 1023.`))
      else reject(error)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(options.port, options.host)
  })
  const address = server.address() as AddressInfo
  return { server, host: options.host, port: address.port }
}
