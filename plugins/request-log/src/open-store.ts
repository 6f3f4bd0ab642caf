import path from 'node:path'
import type { LogStore } from './store.js'
import { SqliteLogStore } from './store-sqlite.js'
import { PgLogStore } from './store-pg.js'

/** `postgres://…` opens PostgreSQL; anything else is an SQLite file relative to `dataDir`. */
export function openLogStore(target: string, dataDir: string): LogStore {
  if (/^postgres(ql)?:\/\//.test(target)) return new PgLogStore(target)
  return new SqliteLogStore(target === ':memory:' ? target : path.resolve(dataDir, target.replace(/^sqlite:/, '')))
}
