import { GatewayError, isGatewayError } from './errors.js'

/**
 * Waits `ms`, or rejects as soon as `signal` aborts: with the abort reason when it is a
 * GatewayError (a deadline), else as a client abort (499 `caller_aborted`).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  const reason = () => (isGatewayError(signal.reason) ? signal.reason : new GatewayError(499, 'caller_aborted', 'The request was aborted'))
  if (signal.aborted) return Promise.reject(reason())
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(reason())
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
