import { GatewayError } from '@sluice/sdk'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** `ACCESS_KEY_ID:SECRET_ACCESS_KEY` or `ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN`. */
export const KEY_FORMAT = 'ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]'

/**
 * One provider key as AWS credentials. Neither secret keys nor session tokens contain `:`, so the
 * key splits at the colons; undefined when it does not have that shape.
 *
 * @example
 * parseCredentials('AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
 * // { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
 */
export function parseCredentials(key: string): AwsCredentials | undefined {
  const parts = key.trim().split(':')
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !p)) return undefined
  const [accessKeyId, secretAccessKey, sessionToken] = parts
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey }
}

/** Like parseCredentials, for a key core picked: a malformed one is our configuration's fault. */
export function credentialsOf(key: string, provider: string): AwsCredentials {
  const credentials = parseCredentials(key)
  if (!credentials) throw new GatewayError(500, 'gateway_internal', `Provider "${provider}" has a key that is not ${KEY_FORMAT}`)
  return credentials
}
