// The TypeScript twin of wasm-examples/guardrail, for bench/wasm-plugins.mjs: the same check
// (configured terms, case-insensitive, over every text going up) as an in-process plugin.
import { GatewayError, definePlugin } from '@sluice/sdk'
import { z } from 'zod'

export default definePlugin({
  name: 'term-guard',
  options: z.object({ terms: z.array(z.string()).min(1) }),
  setup({ terms }) {
    const lower = terms.map((t) => t.toLowerCase())
    return {
      preRequest(ctx) {
        for (const text of ctx.request.texts()) {
          const t = text.toLowerCase()
          if (lower.some((term) => t.includes(term))) throw new GatewayError(403, 'policy_guardrail', 'The prompt contains a restricted term')
        }
      },
    }
  },
})
