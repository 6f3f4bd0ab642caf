import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway, resolveConfig } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { CLI, ROOT } from './helpers/cli.js'

// The plugin author's path: scaffold, build, test, pack, install from the tarball, load by name.
const work = mkdtempSync(path.join(tmpdir(), 'sluice-plugin-'))
const plugin = path.join(work, 'falcon-guard')
const app = path.join(work, 'app')
let gateway: Gateway | undefined

afterAll(async () => {
  await gateway?.close()
})

/** Stands in for `npm install` of packages this repo already has (the SDK is not on npm yet). */
function link(project: string, ...names: string[]) {
  for (const name of names) {
    const target = path.join(project, 'node_modules', name)
    mkdirSync(path.dirname(target), { recursive: true })
    symlinkSync(path.join(ROOT, 'node_modules', name), target, 'dir')
  }
}

describe('sluice plugin init', () => {
  it('scaffolds a package whose own test passes and which builds', () => {
    const out = execFileSync(process.execPath, [CLI, 'plugin', 'init', '@acme/falcon-guard', '--dir', plugin], { encoding: 'utf8' })
    expect(out).toContain('Created @acme/falcon-guard')
    const pkg = JSON.parse(readFileSync(path.join(plugin, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({ name: '@acme/falcon-guard', type: 'module', peerDependencies: { '@sluice/sdk': expect.stringMatching(/^\^/) } })
    expect(pkg.keywords).toContain('sluice-plugin')
    link(plugin, '@sluice/sdk', 'zod', 'vitest', '@types/node')
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', plugin], { cwd: plugin, stdio: 'pipe' })
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(plugin, 'tsconfig.json')], { stdio: 'pipe' })
    expect(readdirSync(path.join(plugin, 'dist'))).toContain('index.js')
  })

  it('refuses a bad name and a non-empty directory', () => {
    expect(() => execFileSync(process.execPath, [CLI, 'plugin', 'init', 'Bad Name'], { stdio: 'pipe' })).toThrow()
    expect(() => execFileSync(process.execPath, [CLI, 'plugin', 'init', 'x', '--dir', plugin], { stdio: 'pipe' })).toThrow()
  })

  it('packs, installs from the tarball into another project, and loads there by package name', async () => {
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: plugin, encoding: 'utf8' }).trim().split('\n').pop()!
    mkdirSync(app)
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
    execFileSync('npm', ['install', path.join(work, tarball), '--legacy-peer-deps', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'pipe' })
    link(app, '@sluice/sdk')
    const config = resolveConfig(
      { log: { level: 'silent' }, plugins: [['@acme/falcon-guard', { terms: ['falcon'] }], ['@sluice/mock-provider', {}]] },
      path.join(app, 'sluice.config.json'),
      app,
    )
    gateway = await createGateway(config)
    await gateway.listen({ port: 0, host: '127.0.0.1' })
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })
    const ok = await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'hello' }] }).withResponse()
    expect(ok.response.headers.get('x-plugin-tag')).toBe('falcon-guard')
    const refused = await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'project Falcon?' }] }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(gateway.pipeline.plugins.map((p) => p.name)).toContain('@acme/falcon-guard')
  }, 120_000)
})
