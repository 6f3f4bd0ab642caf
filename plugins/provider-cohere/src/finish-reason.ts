import { GatewayError } from '@sluice/sdk'
import type { FinishReason } from '@sluice/sdk'

/**
 * Cohere's finish_reason in OpenAI terms: COMPLETE and STOP_SEQUENCE → stop, MAX_TOKENS → length,
 * TOOL_CALL → tool_calls. ERROR and TIMEOUT mean the answer failed: they are raised as errors
 * (502 provider_error, 504 provider_timeout) rather than passed off as a finished answer.
 */
export function finishReason(reason: string | undefined, provider: string, detail?: string): FinishReason | null {
  switch (reason) {
    case undefined:
    case '':
      return null
    case 'MAX_TOKENS':
      return 'length'
    case 'TOOL_CALL':
      return 'tool_calls'
    case 'ERROR':
      throw new GatewayError(502, 'provider_error', `Provider "${provider}" failed while generating${detail ? `: ${detail}` : ''}`, { code: 'ERROR' })
    case 'TIMEOUT':
      throw new GatewayError(504, 'provider_timeout', `Provider "${provider}" timed out while generating${detail ? `: ${detail}` : ''}`, { code: 'TIMEOUT' })
    default:
      return 'stop'
  }
}
