interface Waiting {
  text: string
  resolve(vector: Float32Array | undefined): void
  reject(error: unknown): void
}

export interface BatcherOptions {
  /** Embeds a batch; one vector per text, in order (undefined for a text the model cannot take whole). */
  run(texts: string[]): Promise<(Float32Array | undefined)[]>
  /** Batches in flight at once (one per worker thread). */
  concurrency: number
  /** How long a lone text waits for company, ms (0: the next turn of the event loop). */
  windowMs: number
  maxBatch: number
}

/**
 * Groups concurrent embedding requests into one model call: texts arriving within `windowMs`,
 * or while every worker is busy, go together (a model call on 32 short texts costs little more
 * than on one). No text waits longer than the window when a worker is free.
 */
export class Batcher {
  readonly #options: BatcherOptions
  #waiting: Waiting[] = []
  #running = 0
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined
  /** Model calls made and texts embedded, for benches and tests. */
  readonly stats = { batches: 0, texts: 0 }

  constructor(options: BatcherOptions) {
    this.#options = options
  }

  embed(text: string): Promise<Float32Array | undefined> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ text, resolve, reject })
      this.#schedule()
    })
  }

  #schedule(): void {
    if (this.#running >= this.#options.concurrency) return
    if (this.#waiting.length >= this.#options.maxBatch) return this.#flush()
    if (this.#timer) return
    this.#timer = this.#options.windowMs > 0 ? setTimeout(() => this.#flush(), this.#options.windowMs) : setImmediate(() => this.#flush())
  }

  #flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer as NodeJS.Timeout)
      clearImmediate(this.#timer as NodeJS.Immediate)
      this.#timer = undefined
    }
    if (this.#running >= this.#options.concurrency || this.#waiting.length === 0) return
    const batch = this.#waiting.splice(0, this.#options.maxBatch)
    this.#running++
    this.stats.batches++
    this.stats.texts += batch.length
    this.#options
      .run(batch.map((w) => w.text))
      .then(
        (vectors) => batch.forEach((w, i) => (i < vectors.length ? w.resolve(vectors[i]) : w.reject(new Error('embedder returned fewer vectors than texts')))),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.#running--
        // Whoever queued during the call has waited long enough: go now.
        if (this.#waiting.length) this.#flush()
      })
  }
}
