#!/usr/bin/env node
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError } from './config/errors.js'
import { findConfigFile, loadConfigFile, resolveConfig } from './config/load.js'
import type { LoadedConfig } from './config/load.js'
import { defaultConfig } from './default-config.js'
import { configJsonSchema } from './config/json-schema.js'
import { pluginFiles } from './scaffold/plugin-template.js'
import { verifyAuditFile } from './audit/chain.js'
import { createGateway } from './gateway.js'
import { keysCommand } from './commands/keys.js'

const USAGE = `Usage: sluice <command> [options]

Commands:
  serve       start the gateway
  validate    check a config file and print its problems
  schema      print the JSON Schema of the config file (for editors)
  audit verify [--file <audit.jsonl>]
              check the audit log's hash chain (default: the config's dataDir/audit.jsonl)
  plugin init <name> [--dir <path>]
              scaffold a publishable plugin package (src, test, README)
  keys create|list|revoke
              manage virtual keys of a running gateway (sluice keys --help)

Options:
  -c, --config <file>   config file (default: ./sluice.config.{ts,js,json,yaml}, else the built-in
                        default: the mock provider plus providers whose API key is in the environment)
  -p, --port <n>        port to listen on (overrides server.port)
  -H, --host <host>     address to listen on (overrides server.host)
  -h, --help            show this help
  -v, --version         print the version
`

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'keys') return keysCommand(argv.slice(1))
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string', short: 'H' },
        dir: { type: 'string', short: 'd' },
        file: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    process.stdout.write(`${pkg.version}\n`)
    return 0
  }
  const command = positionals[0] ?? 'serve'
  if (command === 'plugin' && !values.help) return pluginCommand(positionals.slice(1), values.dir)
  if (command === 'audit' && !values.help) return auditCommand(positionals.slice(1), values.file, values.config)
  if (command === 'schema' && !values.help) {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
    return 0
  }
  if (values.help || !['serve', 'validate'].includes(command)) {
    process.stdout.write(USAGE)
    return values.help ? 0 : 2
  }
  let port: number | undefined
  if (values.port !== undefined) {
    port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`--port: expected a whole number from 0 to 65535, got "${values.port}"\n`)
      return 2
    }
  }
  try {
    const loaded = await load(values.config)
    if (command === 'validate') {
      // Loading the plugins also validates each plugin's own options.
      const gateway = await createGateway(loaded, { logWrite: () => {} })
      await gateway.pipeline.close()
      process.stdout.write(`${loaded.file}: valid (${loaded.config.plugins.length} plugins, providers: ${gateway.router.providers.map((p) => p.id).join(', ') || 'none'})\n`)
      return 0
    }
    const gateway = await createGateway(loaded)
    await gateway.listen({ port, host: values.host })
    // SIGHUP: read the config file again and swap it in without dropping a request.
    if (loaded.file !== '(built-in default)')
      process.on('SIGHUP', () => {
        loadConfigFile(loaded.file)
          .then((next) => gateway.reload(next))
          .catch((error: unknown) => gateway.log.error('config reload failed; the previous config stays', { error: error instanceof Error ? error.message : String(error) }))
      })
    await untilSignal(async () => {
      await gateway.close()
    })
    return 0
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      return 1
    }
    process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

/** `sluice audit verify`: exit 0 when the chain is whole, 1 with the broken links listed. */
async function auditCommand(args: string[], file: string | undefined, config: string | undefined): Promise<number> {
  if (args[0] !== 'verify') {
    process.stderr.write('Usage: sluice audit verify [--file <audit.jsonl>] [--config <file>]\n')
    return 2
  }
  let target = file
  if (!target) {
    const loaded = await load(config)
    target = path.resolve(loaded.configDir, loaded.config.dataDir, loaded.config.audit.file)
  }
  if (!existsSync(target)) {
    process.stderr.write(`${target}: no audit log there\n`)
    return 1
  }
  const result = await verifyAuditFile(target)
  if (result.ok) {
    process.stdout.write(`${target}: ${result.entries} entries, chain intact\n`)
    return 0
  }
  process.stdout.write(`${target}: ${result.entries} entries, chain BROKEN\n${result.problems.map((p) => `  ${p}`).join('\n')}\n`)
  return 1
}

/** `sluice plugin init <name>`: writes a plugin package into `dir` (default ./<short name>). */
function pluginCommand(args: string[], dir: string | undefined): number {
  const [sub, name] = args
  if (sub !== 'init' || !name) {
    process.stderr.write('Usage: sluice plugin init <name> [--dir <path>]\n')
    return 2
  }
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) {
    process.stderr.write(`"${name}" is not a valid npm package name (lower case, digits, ".", "_", "-", optional @scope/)\n`)
    return 2
  }
  const target = path.resolve(dir ?? name.replace(/^@[^/]+\//, ''))
  if (existsSync(target) && readdirSync(target).length) {
    process.stderr.write(`${target} exists and is not empty\n`)
    return 1
  }
  const sdk = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  for (const [file, content] of Object.entries(pluginFiles(name, sdk.version))) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true })
    writeFileSync(path.join(target, file), content)
  }
  process.stdout.write(`Created ${name} in ${target}\nNext: cd ${path.relative(process.cwd(), target) || '.'} && npm install && npm test\n`)
  return 0
}

async function load(file: string | undefined): Promise<LoadedConfig> {
  if (file) return loadConfigFile(file)
  const found = findConfigFile(process.cwd())
  return found ? loadConfigFile(found) : resolveConfig(defaultConfig(), '(built-in default)', process.cwd())
}

/** Resolves after the first SIGTERM/SIGINT has been handled; a second one exits at once. */
function untilSignal(onSignal: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`sluice: ${signal} again, exiting now\n`)
        process.exit(1)
      }
      stopping = true
      onSignal().then(resolve, (error: unknown) => {
        process.stderr.write(`sluice: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`)
        process.exitCode = 1
        resolve()
      })
    }
    process.on('SIGTERM', handler)
    process.on('SIGINT', handler)
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
