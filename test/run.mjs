#!/usr/bin/env node
// The test command: brings up what the suite needs (PostgreSQL, Redis), runs vitest, stops it all.
import { spawn } from 'node:child_process'
import { startPostgres, startRedis } from './services.mjs'

const stops = []
const env = { ...process.env }
const services = [
  ['PostgreSQL', startPostgres, 'SLUICE_TEST_POSTGRES_URL'],
  ['Redis', startRedis, 'SLUICE_TEST_REDIS_URL'],
]
for (const [name, start, variable] of services) {
  try {
    const service = await start()
    if (service) {
      env[variable] = service.url
      stops.push(service.stop)
    } else process.stderr.write(`[services] ${name} is not available (not root, not installed): its tests are skipped\n`)
  } catch (error) {
    process.stderr.write(`[services] ${name} could not start: ${error.message}\n`)
  }
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
