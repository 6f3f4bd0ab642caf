#!/usr/bin/env node
// The test command: brings up what the suite needs, runs vitest, stops it all afterwards.
// Services (Redis, PostgreSQL, Chromium) are added here as features start to use them.
import { spawn } from 'node:child_process'

const args = ['vitest', 'run', ...process.argv.slice(2)]
const child = spawn('npx', args, { stdio: 'inherit', env: { ...process.env } })
const forward = (signal) => child.kill(signal)
process.on('SIGINT', forward)
process.on('SIGTERM', forward)
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0)
})
