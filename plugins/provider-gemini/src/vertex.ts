import path from 'node:path'
import { GatewayError } from '@sluice/sdk'
import { GoogleAuth } from 'google-auth-library'
import type { GoogleAuthOptions } from 'google-auth-library'

export interface VertexOptions {
  project: string
  /** A region (`us-central1`, `europe-west4` …) or `global`. */
  location: string
  /** A service-account key (the JSON object Google gives you). */
  credentials?: Record<string, unknown>
  /** A path to a service-account key file (relative to the config file). */
  keyFile?: string
  apiVersion: string
}

/**
 * The Vertex AI base URL for a project and location: regional hosts are
 * `{location}-aiplatform.googleapis.com`, the global endpoint is `aiplatform.googleapis.com`.
 * `root` replaces scheme, host and version (a proxy, a private endpoint, a test server).
 *
 * @example
 * vertexBaseURL({ project: 'acme', location: 'europe-west4', apiVersion: 'v1' })
 * // https://europe-west4-aiplatform.googleapis.com/v1/projects/acme/locations/europe-west4
 */
export function vertexBaseURL(vertex: Pick<VertexOptions, 'project' | 'location' | 'apiVersion'>, root?: string): string {
  const host = vertex.location === 'global' ? 'aiplatform.googleapis.com' : `${vertex.location}-aiplatform.googleapis.com`
  const base = (root ?? `https://${host}/${vertex.apiVersion}`).replace(/\/+$/, '')
  return `${base}/projects/${encodeURIComponent(vertex.project)}/locations/${encodeURIComponent(vertex.location)}`
}

/**
 * OAuth for Vertex AI: google-auth-library signs a JWT with the service account's key, trades it
 * for an access token, caches it and refreshes it before it expires. Without `credentials` or
 * `keyFile` it finds Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the
 * metadata server). `extra` is passed to GoogleAuth (tests route the token call to a local server).
 */
export function vertexAuth(provider: string, vertex: VertexOptions, configDir: string, extra: GoogleAuthOptions = {}): () => Promise<Record<string, string>> {
  const auth = new GoogleAuth({
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    ...(vertex.credentials ? { credentials: vertex.credentials } : {}),
    ...(vertex.keyFile ? { keyFile: path.resolve(configDir, vertex.keyFile) } : {}),
    ...extra,
  })
  return async () => {
    let token: string | null | undefined
    try {
      token = await auth.getAccessToken()
    } catch (error) {
      // Never the key itself: the library's message names the failing step.
      const reason = error instanceof Error ? error.message : String(error)
      throw new GatewayError(502, 'provider_authentication', `Provider "${provider}" could not get a Google access token: ${reason}`, { cause: error })
    }
    if (!token) throw new GatewayError(502, 'provider_authentication', `Provider "${provider}" got no Google access token`)
    return { authorization: `Bearer ${token}` }
  }
}
