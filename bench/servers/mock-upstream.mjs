// The baseline: a fast mock OpenAI upstream on raw node:http. It answers from precomputed
// bytes, so it costs as little as possible and the numbers measure what sits in front of it.
import { createServer } from 'node:http'

const base = { id: 'chatcmpl-bench', created: 1700000000, model: 'gpt-4o-mini' }
const usage = { prompt_tokens: 250, completion_tokens: 12, total_tokens: 262 }
const PLAIN = Buffer.from(
  JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog.' }, finish_reason: 'stop' }], usage }),
)
const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const WORDS = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.']
const STREAM_HEAD = [chunk({ role: 'assistant', content: '' }), ...WORDS.map((w) => chunk({ content: w })), chunk({}, 'stop')].join('')
const STREAM_USAGE = `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`
const MODELS = Buffer.from(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'openai' }] }))

export function startMockUpstream(port = 0) {
  let served = 0
  const server = createServer((req, res) => {
    if (req.url === '/__count') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ served }))
    }
    served++
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': MODELS.length })
      return res.end(MODELS)
    }
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      // Cheap checks on the raw text are enough to pick the answer.
      if (body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
        res.write(STREAM_HEAD)
        if (body.includes('"include_usage":true')) res.write(STREAM_USAGE)
        return res.end('data: [DONE]\n\n')
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': PLAIN.length })
      res.end(PLAIN)
    })
  })
  server.keepAliveTimeout = 60_000
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startMockUpstream(Number(process.argv[2] ?? 0))
  process.stdout.write(`ready ${server.address().port}\n`)
}
