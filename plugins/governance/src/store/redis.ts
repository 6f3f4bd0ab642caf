import { Redis } from 'ioredis'
import type { EntityKind, VirtualKey } from '../model.js'
import type { DefinitionStore, EntityOf } from './definitions.js'

/**
 * Keys, teams and customers in Redis for several nodes: one JSON string per entity, a hash →
 * key-id index, and a pub/sub channel on which every change is announced so each node's
 * in-memory copy follows within milliseconds.
 */
export class RedisDefinitionStore implements DefinitionStore {
  readonly #redis: Redis
  readonly #prefix: string
  #subscriber: Redis | undefined

  readonly #onError: (error: Error) => void

  constructor(redis: Redis, prefix: string, onError: (error: Error) => void) {
    this.#redis = redis
    this.#prefix = prefix
    this.#onError = onError
  }

  get #channel(): string {
    return `${this.#prefix}changes`
  }

  #key(kind: EntityKind, id: string): string {
    return `${this.#prefix}${kind}:${id}`
  }

  async loadAll(): Promise<{ keys: VirtualKey[]; teams: EntityOf['team'][]; customers: EntityOf['customer'][] }> {
    const load = async <T>(kind: EntityKind): Promise<T[]> => {
      const ids = await this.#redis.smembers(`${this.#prefix}${kind}s`)
      if (ids.length === 0) return []
      const bodies = await this.#redis.mget(...ids.map((id) => this.#key(kind, id)))
      return bodies.filter((b): b is string => !!b).map((b) => JSON.parse(b) as T)
    }
    const [keys, teams, customers] = await Promise.all([load<VirtualKey>('key'), load<EntityOf['team']>('team'), load<EntityOf['customer']>('customer')])
    return { keys, teams, customers }
  }

  async put<K extends EntityKind>(kind: K, entity: EntityOf[K]): Promise<void> {
    const multi = this.#redis.multi().set(this.#key(kind, entity.id), JSON.stringify(entity)).sadd(`${this.#prefix}${kind}s`, entity.id)
    if (kind === 'key') {
      const previous = await this.get('key', entity.id)
      if (previous && previous.hash !== (entity as VirtualKey).hash) multi.del(`${this.#prefix}keyhash:${previous.hash}`)
      multi.set(`${this.#prefix}keyhash:${(entity as VirtualKey).hash}`, entity.id)
    }
    multi.publish(this.#channel, JSON.stringify({ kind, id: entity.id }))
    await multi.exec()
  }

  async remove(kind: EntityKind, id: string): Promise<void> {
    const multi = this.#redis.multi()
    if (kind === 'key') {
      const previous = await this.get('key', id)
      if (previous) multi.del(`${this.#prefix}keyhash:${previous.hash}`)
    }
    await multi.del(this.#key(kind, id)).srem(`${this.#prefix}${kind}s`, id).publish(this.#channel, JSON.stringify({ kind, id })).exec()
  }

  async keyByHash(hash: string): Promise<VirtualKey | undefined> {
    const id = await this.#redis.get(`${this.#prefix}keyhash:${hash}`)
    return id ? this.get('key', id) : undefined
  }

  async get<K extends EntityKind>(kind: K, id: string): Promise<EntityOf[K] | undefined> {
    const body = await this.#redis.get(this.#key(kind, id))
    return body ? (JSON.parse(body) as EntityOf[K]) : undefined
  }

  async watch(onChange: (kind: EntityKind, id: string) => void, onResync?: () => void): Promise<void> {
    // A connection in subscriber mode can do nothing else: a second one.
    // Resubscribed here, not by ioredis: its own resubscription has no catch, and a connection
    // closing meanwhile became an unhandled rejection.
    const subscriber = (this.#subscriber = this.#redis.duplicate({ autoResubscribe: false }))
    subscriber.on('error', this.#onError)
    // Announcements sent while the connection was down are lost: read everything again.
    let connectedOnce = false
    subscriber.on('ready', () => {
      if (connectedOnce) {
        subscriber.subscribe(this.#channel).catch(this.#onError)
        onResync?.()
      }
      connectedOnce = true
    })
    this.#subscriber.on('message', (_channel: string, message: string) => {
      try {
        const { kind, id } = JSON.parse(message) as { kind: EntityKind; id: string }
        onChange(kind, id)
      } catch {
        // Not ours: ignore.
      }
    })
    await this.#subscriber.subscribe(this.#channel)
  }

  async close(): Promise<void> {
    this.#subscriber?.disconnect()
  }
}
