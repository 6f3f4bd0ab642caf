/**
 * The Converse path for a model: `/model/{modelId}/converse` (or `/converse-stream`). The id is
 * URL-encoded, as inference-profile ids (`us.anthropic…:0`) and ARNs carry `:` and `/`.
 *
 * @example
 * conversePath('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0', true)
 * // '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream'
 */
export function conversePath(model: string, stream: boolean): string {
  return `/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`
}

/** The Bedrock Runtime endpoint of a region. */
export function runtimeEndpoint(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`
}
