#!/usr/bin/env node
// The test command: brings up what the suite needs (PostgreSQL, Redis), runs vitest, stops it all.
import { spawn } from 'node:child_process'
import { startPostgres, startRedis } from './services.mjs'

const stops = []
const env = { ...process.env }
try {
  const pg = await startPostgres()
  if (pg) {
    env.SLUICE_TEST_POSTGRES_URL = pg.url
    stops.push(pg.stop)
  } else process.stderr.write('[services] PostgreSQL is not available (not root, not installed): its tests are skipped\n')
} catch (error) {
  process.stderr.write(`[services] PostgreSQL could not start: ${error.message}\n`)
}
try {
  const redis = await startRedis()
  if (redis) {
    env.SLUICE_TEST_REDIS_URL = redis.url
    stops.push(redis.stop)
  } else process.stderr.write('[services] Redis is not available (not root, not installed): its tests are skipped\n')
} catch (error) {
  process.stderr.write(`[services] Redis could not start: ${error.message}\n`)
}

const stopAll = () => {
  for (const stop of stops.splice(0)) {
    try {
      stop()
    } catch (error) {
      process.stderr.write(`[services] stop failed: ${error.message}\n`)
    }
  }
}
const child = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  stopAll()
  process.exitCode = code ?? (signal ? 1 : 0)
})
