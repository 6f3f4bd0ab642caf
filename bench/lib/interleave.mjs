// Sequential latency of several targets measured in one run: one request each per round, on one
// keep-alive connection per target, interleaved so that drift on a shared machine hits all alike.
import { Agent, request } from 'undici'

/**
 * POSTs `body` to `{target}/v1/chat/completions` for every target, `warmup` rounds unmeasured
 * then `rounds` measured; resolves with each target's latencies in µs (to the last byte).
 */
export async function interleaved(targets, body, { rounds, warmup = 300, headers = {} }) {
  const names = Object.keys(targets)
  const agents = Object.fromEntries(names.map((k) => [k, new Agent({ connections: 1 })]))
  const samples = Object.fromEntries(names.map((k) => [k, []]))
  const once = async (name) => {
    const t = process.hrtime.bigint()
    const res = await request(`${targets[name]}/v1/chat/completions`, { method: 'POST', dispatcher: agents[name], headers: { 'content-type': 'application/json', ...headers }, body })
    await res.body.arrayBuffer()
    if (res.statusCode !== 200) throw new Error(`${name} answered ${res.statusCode}`)
    return Number(process.hrtime.bigint() - t) / 1000
  }
  for (let i = 0; i < warmup; i++) for (const name of names) await once(name)
  for (let i = 0; i < rounds; i++) for (const name of names) samples[name].push(await once(name))
  await Promise.all(Object.values(agents).map((a) => a.close()))
  return samples
}

/** The `p` quantile (0–1) of a list of numbers (sorts it in place). */
export const quantile = (list, p) => list.sort((a, b) => a - b)[Math.floor(list.length * p)]
