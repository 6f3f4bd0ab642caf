import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

export type DataPlaneHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/**
 * The inference routes, served straight from node:http. They write their own responses with
 * backpressure, so h3's web-Response layer has nothing to add there and would cost a request
 * object and a second `end()` per call; everything else (health, models, admin, 404s) stays
 * on h3.
 */
export class DataPlane {
  readonly #exact = new Map<string, DataPlaneHandler>()
  readonly #prefixes: { prefix: string; handler: DataPlaneHandler }[] = []

  /** Serve every method on `path` (the handler answers 405 itself where needed). */
  route(path: string, handler: DataPlaneHandler): void {
    this.#exact.set(path, handler)
  }

  /** Serve every path under `prefix` (e.g. `/genai/v1beta/models/`). */
  prefix(prefix: string, handler: DataPlaneHandler): void {
    this.#prefixes.push({ prefix, handler })
  }

  #find(url: string | undefined): DataPlaneHandler | undefined {
    if (!url) return undefined
    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    return this.#exact.get(path) ?? this.#prefixes.find((p) => path.startsWith(p.prefix))?.handler
  }

  /** A node listener: data-plane routes first, then `fallback` (h3). */
  listener(fallback: RequestListener, onError: (error: unknown, res: ServerResponse) => void): RequestListener {
    return (req, res) => {
      const handler = this.#find(req.url)
      if (!handler) return fallback(req, res)
      handler(req, res).catch((error: unknown) => onError(error, res))
    }
  }
}
