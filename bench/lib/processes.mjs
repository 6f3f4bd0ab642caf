// Child processes for benchmarks: started, awaited until they print their port, all stopped at exit.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const children = new Set()

export const stopAll = () => children.forEach((c) => c.kill('SIGTERM'))
process.on('SIGINT', () => {
  stopAll()
  process.exit(130)
})

/** Starts `node ...args` in `cwd` and resolves with its port once `pattern` (group 1) matches its output. */
export function startProcess(args, pattern, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let out = ''
    const timer = setTimeout(() => reject(new Error(`timed out starting ${args.join(' ')}\n${out}`)), 30_000)
    const onData = (d) => {
      out += d
      const match = pattern.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve({ child, port: Number(match[1]) })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      children.delete(child)
      clearTimeout(timer)
      reject(new Error(`${args.join(' ')} exited ${code}\n${out}`))
    })
  })
}

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Writes `config` (server on a free loopback port, info logs, no audit log unless given) to
 * `<dir>/<name>.json`, starts `sluice serve` on it and resolves with the gateway's URL.
 */
export async function startGateway(dir, name, config) {
  const file = path.join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, log: { level: 'info' }, audit: { enabled: false }, ...config }))
  const started = await startProcess([path.join(root, 'core/dist/cli.js'), 'serve', '--config', file], /"url":"http:\/\/127\.0\.0\.1:(\d+)"/, root)
  return `http://127.0.0.1:${started.port}`
}
