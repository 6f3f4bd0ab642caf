// Child processes for benchmarks: started, awaited until they print their port, all stopped at exit.
import { spawn } from 'node:child_process'

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
