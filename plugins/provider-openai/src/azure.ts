/** Azure OpenAI: deployments in the path, `api-version` in the query, `api-key` for auth. */
export interface AzureOptions {
  resource?: string
  baseURL?: string
  apiVersion: string
  deployments: Record<string, string>
}

export const AZURE_DEFAULT_API_VERSION = '2024-10-21'

export function azureBaseURL(options: AzureOptions): string {
  if (options.baseURL) return options.baseURL.replace(/\/+$/, '')
  return `https://${options.resource}.openai.azure.com/openai`
}

export function azurePaths(options: AzureOptions): { chat(model: string): string; embeddings(model: string): string } {
  const path = (model: string, op: string) =>
    `/deployments/${encodeURIComponent(options.deployments[model] ?? model)}/${op}?api-version=${encodeURIComponent(options.apiVersion)}`
  return { chat: (model) => path(model, 'chat/completions'), embeddings: (model) => path(model, 'embeddings') }
}

export const azureAuth = (key: string): Record<string, string> => ({ 'api-key': key })
