// Services the test suite needs, from Debian's packages, each on a free loopback port, stopped
// afterwards. Installs a missing package when running as root (CI); otherwise the tests that need
// the service are skipped, and say so.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

const isRoot = process.getuid?.() === 0

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function aptInstall(pkg) {
  if (!isRoot) return false
  process.stderr.write(`[services] installing ${pkg} from Debian's packages\n`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env })
  return true
}

function postgresBin() {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const version = readdirSync(root).sort().pop()
  const bin = version && path.join(root, version, 'bin')
  return bin && existsSync(path.join(bin, 'pg_ctl')) ? bin : undefined
}

/** Starts a throwaway PostgreSQL cluster; returns its URL and a stop function, or undefined. */
export async function startPostgres() {
  let bin = postgresBin()
  if (!bin && aptInstall('postgresql')) bin = postgresBin()
  if (!bin) return undefined
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-pg-'))
  const port = await freePort()
  // PostgreSQL refuses to run as root: run it as the `postgres` user Debian's package creates.
  const asPostgres = isRoot ? ['runuser', ['-u', 'postgres', '--']] : [undefined, []]
  const run = (cmd, args) => {
    const [wrapper, pre] = asPostgres
    const result = wrapper ? spawnSync(wrapper, [...pre, cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`)
  }
  if (isRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()))
  const data = path.join(dir, 'data')
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'sluice', '--auth=trust', '-E', 'UTF8', '--no-instructions'])
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
  return {
    url: `postgres://sluice@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** Starts a throwaway redis-server (no persistence); returns its URL and a stop function, or undefined. */
export async function startRedis() {
  let bin = findOnPath('redis-server')
  if (!bin && aptInstall('redis-server')) bin = findOnPath('redis-server')
  if (!bin) return undefined
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-redis-'))
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  await waitForPort(port, 10_000)
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin'])) {
    const candidate = path.join(dir, name)
    if (dir && existsSync(candidate)) return candidate
  }
  return undefined
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
