import { z } from 'zod'
import { defineProvider, providerOptionsSchema } from '@sluice/sdk'
import { bedrockAdapter } from './adapter.js'
import { KEY_FORMAT, parseCredentials } from './credentials.js'
import { runtimeEndpoint } from './paths.js'

export const optionsSchema = providerOptionsSchema
  .extend({
    /** The AWS region to call and sign for, e.g. `us-east-1`. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.keys.length === 0) ctx.addIssue({ code: 'custom', path: ['keys'], message: `at least one key is required: AWS credentials as ${KEY_FORMAT}` })
    // Never echo the value: it holds a secret key.
    o.keys.forEach((key, i) => {
      if (!parseCredentials(key.value)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'value'], message: `not ${KEY_FORMAT}` })
    })
  })

export type BedrockProviderOptions = z.input<typeof optionsSchema>

/**
 * AWS Bedrock through the Converse and ConverseStream APIs, with SigV4-signed requests. Keys are
 * AWS credentials, `ACCESS_KEY_ID:SECRET_ACCESS_KEY` or `ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN`;
 * models are Bedrock model ids, inference-profile ids (`us.anthropic…`) or ARNs.
 *
 * @example
 * // sluice.config.json
 * { "plugins": [["@sluice/provider-bedrock", {
 *   "region": "us-east-1",
 *   "keys": [{ "value": "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}" }],
 *   "models": ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.nova-*"]
 * }]] }
 */
export default defineProvider({
  name: '@sluice/provider-bedrock',
  options: optionsSchema,
  create: (o) =>
    bedrockAdapter({
      id: o.id ?? 'bedrock',
      region: o.region,
      baseURL: o.baseURL ?? runtimeEndpoint(o.region),
      keys: o.keys,
      models: o.models,
      headers: o.headers,
      timeoutMs: o.timeoutMs,
      maxConcurrent: o.maxConcurrent,
    }),
})

export { bedrockAdapter, EVENT_STREAM } from './adapter.js'
export type { BedrockAdapterOptions } from './adapter.js'
export { parseCredentials, KEY_FORMAT } from './credentials.js'
export type { AwsCredentials } from './credentials.js'
export { signRequest } from './sign.js'
export type { SignInput } from './sign.js'
export { toConverse } from './request.js'
export { toConverseMessages } from './messages.js'
export { fromConverse } from './response.js'
export { converseChunks, chunksFromMessages } from './stream.js'
export { eventStreamMessages, FrameReader } from './eventstream.js'
export { mapBedrockError, streamException, errorType } from './errors.js'
export { finishReason } from './finish-reason.js'
export { usageFrom } from './usage.js'
export { conversePath, runtimeEndpoint } from './paths.js'
export type * from './types.js'
