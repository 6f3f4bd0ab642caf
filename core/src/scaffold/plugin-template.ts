/** The files of a new, publishable plugin package (`sluice plugin init`). */
export function pluginFiles(packageName: string, sdkVersion: string): Record<string, string> {
  const short = packageName.replace(/^@[^/]+\//, '')
  const pkg = {
    name: packageName,
    version: '0.1.0',
    description: `Sluice plugin: ${short}`,
    type: 'module',
    license: 'MIT',
    keywords: ['sluice', 'sluice-plugin', 'llm-gateway'],
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
    files: ['dist', 'README.md'],
    engines: { node: '>=20.19' },
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run', prepack: 'npm run build' },
    peerDependencies: { '@sluice/sdk': `^${sdkVersion}` },
    dependencies: { zod: '^4.1.0' },
    devDependencies: { '@sluice/sdk': `^${sdkVersion}`, '@types/node': '^20.19.0', typescript: '^5.9.0', vitest: '^4.1.0' },
  }
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      declaration: true,
      skipLibCheck: true,
      rootDir: 'src',
      outDir: 'dist',
      types: ['node'],
    },
    include: ['src'],
    exclude: ['src/**/*.test.ts'],
  }
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'src/index.ts': `import { definePlugin, GatewayError } from '@sluice/sdk'
import { z } from 'zod'

export const optionsSchema = z.object({
  /** Terms that must not appear in a prompt (case-insensitive). */
  terms: z.array(z.string().min(1)).min(1),
  /** A header added to every answer, naming this plugin. */
  tag: z.string().default('${short}'),
})

/**
 * Refuses prompts that name one of \`terms\`, and tags every answer.
 *
 * @example
 * // sluice.config.json
 * { "plugins": [["${packageName}", { "terms": ["project falcon"] }], ["@sluice/provider-openai", { … }]] }
 */
export default definePlugin({
  name: '${packageName}',
  options: optionsSchema,
  setup({ terms, tag }) {
    const banned = new RegExp(terms.map((t) => t.replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&')).join('|'), 'i')
    return {
      preRequest(ctx) {
        ctx.setResponseHeader('x-plugin-tag', tag)
        for (const text of ctx.request.texts())
          if (banned.test(text)) throw new GatewayError(403, 'policy_guardrail', 'The prompt names a restricted term')
      },
    }
  },
})
`,
    'src/index.test.ts': `import { describe, expect, it } from 'vitest'
import { testPlugin } from '@sluice/sdk/testing'
import plugin from './index.js'

describe('${packageName}', () => {
  it('refuses a prompt that names a term', async () => {
    const t = await testPlugin(plugin, { terms: ['falcon'] })
    const r = await t.request({ model: 'm', messages: [{ role: 'user', content: 'Tell me about Falcon' }] })
    expect(r.status).toBe(403)
    expect(r.error?.type).toBe('policy_guardrail')
  })

  it('lets other prompts through', async () => {
    const t = await testPlugin(plugin, { terms: ['falcon'] })
    const r = await t.request({ model: 'm', messages: [{ role: 'user', content: 'hello' }] })
    expect(r.status).toBe(200)
    expect(r.ctx.responseHeaders['x-plugin-tag']).toBe('${short}')
  })
})
`,
    'README.md': `# ${packageName}

A plugin for the [Sluice](https://www.npmjs.com/package/@sluice/core) LLM gateway.

\`\`\`json
{ "plugins": [["${packageName}", { "terms": ["project falcon"] }], ["@sluice/provider-openai", { "keys": [{ "value": "\${OPENAI_API_KEY}" }] }]] }
\`\`\`

| option | default | meaning |
|---|---|---|
| \`terms\` | — | terms a prompt must not name (case-insensitive) |
| \`tag\` | \`${short}\` | value of the \`x-plugin-tag\` header added to every answer |

## Develop

\`\`\`sh
npm install
npm test            # unit tests with @sluice/sdk/testing: the gateway's own lifecycle, no server
npm run build       # dist/
\`\`\`

Try it in a gateway before publishing: list the source file by path (\`"./src/index.ts"\`) in a
config; TypeScript loads as it is.

## Publish

\`\`\`sh
npm publish --access public    # prepack builds dist/
\`\`\`

Then \`npm install ${packageName}\` next to the gateway's config and list it by name.
`,
  }
}
