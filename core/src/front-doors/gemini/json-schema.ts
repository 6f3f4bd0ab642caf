import { isObject } from './invalid.js'

/**
 * Gemini's `parameters` / `responseSchema` (an OpenAPI 3.0 subset, often with upper-case types
 * such as "OBJECT") as JSON Schema, the canonical form: lower-case types, and `nullable: true` as
 * a "null" type. Everything else is kept.
 */
export function toJsonSchema(schema: unknown): Record<string, unknown> | undefined {
  if (!isObject(schema)) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase()
    else if (key === 'properties' && isObject(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v) ?? v]))
    else if (key === 'items') out.items = toJsonSchema(value) ?? value
    else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) out[key] = value.map((v) => toJsonSchema(v) ?? v)
    else out[key] = value
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null']
  return out
}
