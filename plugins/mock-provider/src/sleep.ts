import { GatewayError } from '@sluice/sdk'

/** Waits, or rejects as soon as the request is aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new GatewayError(499, 'caller_aborted', 'aborted'))
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new GatewayError(499, 'caller_aborted', 'aborted'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
