import { Pool } from 'undici'
import type { Dispatcher } from 'undici'

export interface UpstreamResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Dispatcher.ResponseData['body']
}

export interface SendOptions {
  method: 'POST' | 'GET'
  url: URL
  headers: Record<string, string>
  body?: string | Buffer
  signal: AbortSignal
  /** Time allowed for the response headers, ms. */
  timeoutMs: number
  /** Longest pause between two body chunks (stream idle), ms. */
  idleTimeoutMs: number
}

/**
 * One undici Pool per upstream origin, shared by every provider instance that talks to it.
 * Keep-alive connections; no pipelining (LLM calls are long and pipelining would queue them).
 */
export class UpstreamClient {
  readonly #pools = new Map<string, Pool>()
  readonly #connections: number

  constructor(options: { connectionsPerOrigin?: number } = {}) {
    this.#connections = options.connectionsPerOrigin ?? 256
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin)
    if (!pool) {
      pool = new Pool(origin, { connections: this.#connections, pipelining: 1, keepAliveTimeout: 30_000 })
      this.#pools.set(origin, pool)
    }
    return pool
  }

  async send(options: SendOptions): Promise<UpstreamResponse> {
    const response = await this.#pool(options.url.origin).request({
      method: options.method,
      path: options.url.pathname + options.url.search,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    })
    return { status: response.statusCode, headers: response.headers, body: response.body }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pools.values()].map((pool) => pool.close()))
    this.#pools.clear()
  }
}
