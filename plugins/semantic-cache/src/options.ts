import { z } from 'zod'

export const localEmbedderSchema = z
  .object({
    /**
     * A Hugging Face hub id (`Xenova/all-MiniLM-L6-v2`, downloaded once into `cacheDir`) or a
     * local model folder (absolute, or relative to the config file) holding `config.json`,
     * `tokenizer.json`, `tokenizer_config.json` and `onnx/model[_quantized].onnx`.
     */
    model: z.string().min(1).default('Xenova/all-MiniLM-L6-v2'),
    /** A folder of models named by hub id, for air-gapped sites (transformers.js `env.localModelPath`). */
    localModelPath: z.string().min(1).optional(),
    /** May the hub be asked for a model missing locally. */
    allowRemoteModels: z.boolean().default(true),
    /** Where downloaded models are kept; relative to dataDir. */
    cacheDir: z.string().min(1).default('models'),
    /** Load `onnx/model_quantized.onnx` (smaller, faster) rather than `onnx/model.onnx`. */
    quantized: z.boolean().default(true),
    /** Worker processes running the model (each holds its own copy). */
    threads: z.number().int().min(1).max(16).default(1),
    /**
     * How long a lone text waits for others to share its model call, ms. 0: only texts arriving in
     * the same event-loop turn, or while every worker is busy, share a call (the latter is what
     * batches under load; a window adds its length to every lone request).
     */
    batchWindowMs: z.number().min(0).max(50).default(0),
    /** Texts per model call, at most. */
    maxBatch: z.number().int().min(1).max(512).default(32),
    /** Characters of the user turn that are embedded (the rest still counts in the exact key). */
    maxChars: z.number().int().positive().default(2000),
  })
  .strict()

const remoteEmbedder = z
  .object({
    /** Base URL of an OpenAI-compatible API (`https://api.openai.com/v1`, or the gateway's own `…/v1`). */
    url: z.url(),
    /** The embedding model to ask for. */
    model: z.string().min(1),
    /** Sent as `Authorization: Bearer`; use `${ENV_VAR}`. */
    apiKey: z.string().min(1).optional(),
    /** Vector size to ask for (models that support `dimensions`). */
    dimensions: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().default(5000),
    /** Requests in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    batchWindowMs: z.number().min(0).max(50).default(0),
    maxBatch: z.number().int().min(1).max(2048).default(64),
    maxChars: z.number().int().positive().default(2000),
  })
  .strict()

const routeSelector = z
  .object({
    /** Model name patterns as the client names them (`*` matches anything): `gpt-4o*`, `mock-*`. */
    models: z.array(z.string().min(1)).default(['*']),
    /** Models never cached, even when `models` matches. */
    excludeModels: z.array(z.string().min(1)).default([]),
    /** Route path patterns: `/v1/chat/completions`, `/anthropic/*`. */
    paths: z.array(z.string().min(1)).default(['*']),
  })
  .strict()

export const optionsSchema = z
  .object({
    /** How long an entry lives, seconds. */
    ttlSeconds: z.number().positive().default(3600),
    /** The highest TTL a client may ask for with `x-sluice-cache-ttl`, seconds. */
    maxTtlSeconds: z.number().positive().default(7 * 86_400),
    /** Cosine similarity at or above which a semantic neighbour is served. */
    threshold: z.number().gt(0).max(1).default(0.9),
    /** Turn the semantic layer off (exact hits only; no model is loaded). */
    semantic: z.boolean().default(true),
    /** Entries kept in memory per node, at most (least recently used are evicted). */
    maxEntries: z.number().int().positive().default(10_000),
    /** Approximate bytes of answers and vectors kept in memory, at most. */
    maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
    /** Which cache partition a caller uses: its key id, or its team when it has one. */
    namespaceBy: z.enum(['key', 'team']).default('key'),
    /** A header a client may send to narrow its partition further (within its identity); `false` ignores it. */
    namespaceHeader: z.union([z.string().min(1), z.literal(false)]).default('x-sluice-cache-namespace'),
    /** Requests asking for a higher temperature are neither looked up nor stored. */
    maxTemperature: z.number().min(0).default(1),
    /** Cache answers that call tools. */
    cacheToolCalls: z.boolean().default(false),
    /** Cache requests with `n` > 1. */
    cacheMultipleChoices: z.boolean().default(false),
    /** How long identical concurrent requests wait for the first one's answer before going upstream, ms. */
    singleFlightTimeoutMs: z.number().int().min(0).default(30_000),
    /** Which requests are cached. */
    routes: routeSelector.default({ models: ['*'], excludeModels: [], paths: ['*'] }),
    /**
     * The embedding model: local (transformers.js in worker processes; the default), or an
     * OpenAI-compatible embeddings API when `url` is given.
     */
    embedder: z.union([remoteEmbedder, localEmbedderSchema]).default(localEmbedderSchema.parse({})),
    /** Persist entries in this SQLite file (relative to dataDir); `false` keeps them in memory only. */
    sqlite: z.union([z.string().min(1), z.literal(false)]).default('semantic-cache.db'),
    /** Share entries between nodes through this Redis (`redis://…`). */
    redis: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
    /** Prefix of the Redis keys and channel. */
    redisPrefix: z.string().min(1).default('sluice:cache:'),
  })
  .strict()

export type SemanticCacheOptions = z.input<typeof optionsSchema>
export type ResolvedOptions = z.output<typeof optionsSchema>
export type LocalEmbedderOptions = z.output<typeof localEmbedderSchema>
export type RemoteEmbedderConfig = z.output<typeof remoteEmbedder>
