import { Redis } from 'ioredis'
import type { Logger } from '@sluice/sdk'
import type { EntryRecord } from './entry.js'

interface Notice {
  node: string
  entry: EntryRecord
}

/**
 * Shares entries between gateway nodes through Redis (7.0 has no vector search, so each node
 * keeps its own index): every entry is a Redis key with the entry's TTL, and a pub/sub notice
 * carrying the entry keeps the other nodes' indexes in step. A starting node subscribes first,
 * then loads the entries already there (a notice and a load of the same key agree).
 */
export class RedisSync {
  readonly #client: Redis
  readonly #subscriber: Redis
  readonly #prefix: string
  readonly #channel: string
  readonly #node: string
  readonly #log: Logger
  #closed = false
  /** Entries shared and received, for tests and logs. */
  readonly stats = { published: 0, received: 0, errors: 0 }

  constructor(url: string, prefix: string, node: string, log: Logger) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 }
    this.#client = new Redis(url, options)
    // Resubscribed in start(), not by ioredis: its own resubscription has no catch, and a
    // connection closing meanwhile became an unhandled rejection.
    this.#subscriber = new Redis(url, { ...options, autoResubscribe: false })
    for (const c of [this.#client, this.#subscriber]) c.on('error', (error: Error) => log.warn('semantic-cache: redis error', { error: error.message }))
    this.#prefix = prefix
    this.#channel = `${prefix}events`
    this.#node = node
    this.#log = log
  }

  /**
   * Connects, subscribes (`onEntry` gets other nodes' entries) and returns the most recent `limit`
   * live entries already shared, oldest first. Redis holds every node's entries: only `limit`
   * (and one scan batch) are held in memory while it is read.
   */
  async start(onEntry: (entry: EntryRecord) => void, limit = Infinity): Promise<EntryRecord[]> {
    await Promise.all([this.#client.connect(), this.#subscriber.connect()])
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return
      try {
        const notice = JSON.parse(message) as Notice
        if (notice.node === this.#node) return
        this.stats.received++
        onEntry(notice.entry)
      } catch (error) {
        this.stats.errors++
        this.#log.warn('semantic-cache: bad notice on redis', { error: error instanceof Error ? error.message : String(error) })
      }
    })
    await this.#subscriber.subscribe(this.#channel)
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(this.#channel).catch((error: Error) => this.#log.warn('semantic-cache: redis resubscribe failed', { error: error.message }))
    })
    let entries: EntryRecord[] = []
    const newest = () => entries.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit)
    let cursor = '0'
    do {
      const [next, keys] = await this.#client.scan(cursor, 'MATCH', `${this.#prefix}e:*`, 'COUNT', 500)
      cursor = next
      if (keys.length === 0) continue
      for (const value of await this.#client.mget(...keys)) if (value) entries.push(JSON.parse(value) as EntryRecord)
      if (entries.length > limit + 500) entries = newest()
    } while (cursor !== '0')
    return newest().reverse()
  }

  /** Stores the entry with its TTL and tells the other nodes, in one round trip; never throws. */
  publish(entry: EntryRecord): void {
    const ttl = entry.expiresAt - Date.now()
    // After close: a request that outlived a reload or shutdown shares nothing more.
    if (ttl <= 0 || this.#closed) return
    const value = JSON.stringify(entry)
    this.#client
      .multi()
      .set(`${this.#prefix}e:${entry.key}`, value, 'PX', ttl)
      .publish(this.#channel, JSON.stringify({ node: this.#node, entry } satisfies Notice))
      .exec()
      .then(() => this.stats.published++)
      .catch((error: unknown) => {
        this.stats.errors++
        this.#log.warn('semantic-cache: redis write failed', { error: error instanceof Error ? error.message : String(error) })
      })
  }

  async close(): Promise<void> {
    this.#closed = true
    await Promise.allSettled([this.#subscriber.quit(), this.#client.quit()])
  }
}
