import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentials } from './credentials.js'

export interface SignInput {
  method: 'POST' | 'GET'
  url: URL
  /** Headers to sign and send besides the ones signing adds; `host` is taken from the URL. */
  headers: Record<string, string>
  /** The exact body that will be sent. */
  body?: string
  credentials: AwsCredentials
  region: string
  service: string
  /** The signing time (tests fix it). */
  date?: Date
  /** Add `x-amz-content-sha256` (the body's hash, signed). Default true. */
  contentHash?: boolean
}

/**
 * Signs a request with AWS Signature Version 4 and returns the headers to send with it: the given
 * ones, `host`, `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (temporary
 * credentials) and `authorization`. The signature covers these headers and the body's bytes, so the
 * body must go out exactly as given. Path segments are URI-encoded once more in the canonical
 * request, as every AWS service but S3 expects.
 *
 * @example
 * const headers = await signRequest({ method: 'POST', url: new URL('https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse'),
 *   headers: { 'content-type': 'application/json' }, body, credentials, region: 'us-east-1', service: 'bedrock' })
 */
export async function signRequest(input: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: input.service,
    sha256: Sha256,
    applyChecksum: input.contentHash ?? true,
  })
  const { url } = input
  const query: Record<string, string | string[]> = {}
  for (const [name, value] of url.searchParams) {
    const had = query[name]
    query[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value]
  }
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      // `host` as the HTTP client will send it: with the port when it is not the default.
      headers: { ...lowerCased(input.headers), host: url.host },
      body: input.body,
    },
    { signingDate: input.date ?? new Date() },
  )
  return signed.headers
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}
