import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1]

/** The gateway's metrics, on a registry of their own (no clash with an embedding app's). */
export function createMetrics(prefix: string, defaultMetrics: boolean) {
  const registry = new Registry()
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix })
  const reg = { registers: [registry] }
  return {
    registry,
    requests: new Counter({ ...reg, name: `${prefix}requests_total`, help: 'Requests answered, by route, operation, provider, model, status and error type', labelNames: ['route', 'operation', 'provider', 'model', 'status', 'error_type'] }),
    duration: new Histogram({ ...reg, name: `${prefix}request_duration_seconds`, help: 'Arrival to last byte', labelNames: ['operation', 'provider', 'model', 'stream'], buckets: LATENCY_BUCKETS }),
    upstream: new Histogram({ ...reg, name: `${prefix}upstream_duration_seconds`, help: 'Time spent on upstream calls (to the answer, or to the end of a stream)', labelNames: ['provider', 'model'], buckets: LATENCY_BUCKETS }),
    overhead: new Histogram({ ...reg, name: `${prefix}gateway_overhead_seconds`, help: 'Time the gateway added to a non-stream request (total minus upstream)', labelNames: ['provider'], buckets: OVERHEAD_BUCKETS }),
    ttft: new Histogram({ ...reg, name: `${prefix}time_to_first_token_seconds`, help: 'Arrival to the first byte of a streamed answer', labelNames: ['provider', 'model'], buckets: LATENCY_BUCKETS }),
    interChunk: new Histogram({ ...reg, name: `${prefix}inter_token_seconds`, help: 'Streams: mean gap between streamed chunks (one or a few tokens each), per request', labelNames: ['provider', 'model'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] }),
    cache: new Counter({ ...reg, name: `${prefix}cache_requests_total`, help: 'Requests a cache plugin looked up, by result (hit-exact, hit-semantic, miss)', labelNames: ['result'] }),
    cacheSaved: new Counter({ ...reg, name: `${prefix}cache_saved_usd_total`, help: 'What cache hits saved, in USD' }),
    budget: new Gauge({ ...reg, name: `${prefix}budget_remaining_usd`, help: 'What is left of a budget, as last reported by governance', labelNames: ['level', 'id'] }),
    tokens: new Counter({ ...reg, name: `${prefix}tokens_total`, help: 'Tokens reported by upstreams, by type (input, output, cached, reasoning)', labelNames: ['provider', 'model', 'type'] }),
    cost: new Counter({ ...reg, name: `${prefix}cost_usd_total`, help: 'What answers cost, in USD (price table or config prices)', labelNames: ['provider', 'model'] }),
    retries: new Counter({ ...reg, name: `${prefix}retries_total`, help: 'Upstream attempts beyond the first', labelNames: ['provider'] }),
    fallbacks: new Counter({ ...reg, name: `${prefix}fallbacks_total`, help: 'Requests served (or failed) by another target than the first tried', labelNames: ['from', 'to'] }),
    pluginFailures: new Counter({ ...reg, name: `${prefix}plugin_failures_total`, help: 'Plugin calls that failed (WASM plugins: timeout, trap, invalid_output, output_too_large, crashed, overloaded, plugin_error), whether answered fail-open or fail-closed', labelNames: ['plugin', 'hook', 'kind'] }),
    inFlight: new Gauge({ ...reg, name: `${prefix}requests_in_flight`, help: 'Inference requests being served' }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
