import { z } from 'zod'
import { sluiceConfigSchema } from '@sluice/sdk'

/** JSON Schema of the config file, for editors (`"$schema": "./sluice.schema.json"`). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(sluiceConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Sluice gateway config',
  }
}
