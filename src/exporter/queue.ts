/**
 * The bounded buffer between fetch and write. `push` resolves once the items fit under
 * `capacity`, so a fast source waits for a slow sink and memory stays flat in the number of
 * rows; a batch larger than the capacity is let in piece by piece.
 */
export class BoundedQueue<T> {
  readonly #capacity: number;
  #items: T[] = [];
  #head = 0;
  #closed = false;
  #error: unknown;
  #hasError = false;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('queue capacity must be at least 1');
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  async push(batch: readonly T[]): Promise<void> {
    let at = 0;
    while (at < batch.length) {
      if (this.#hasError) throw this.#error;
      if (this.#closed) throw new Error('push to a closed queue');
      const room = this.#capacity - this.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          this.#wakeProducer = resolve;
        });
        continue;
      }
      const take = Math.min(room, batch.length - at);
      for (let i = 0; i < take; i++) this.#items.push(batch[at + i]);
      at += take;
      this.#wake('consumer');
    }
  }

  /** No more items; `take` returns null once the buffer is drained. */
  close(): void {
    this.#closed = true;
    this.#wake('consumer');
  }

  /** Fails both sides: pending and future `push`/`take` calls throw `error`. */
  fail(error: unknown): void {
    if (this.#hasError) return;
    this.#hasError = true;
    this.#error = error;
    this.#wake('consumer');
    this.#wake('producer');
  }

  /** Every buffered item (at least one), or null at the end. */
  async take(): Promise<T[] | null> {
    for (;;) {
      if (this.#hasError) throw this.#error;
      if (this.size > 0) {
        const out = this.#head === 0 ? this.#items : this.#items.slice(this.#head);
        this.#items = [];
        this.#head = 0;
        this.#wake('producer');
        return out;
      }
      if (this.#closed) return null;
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
      });
    }
  }

  #wake(side: 'consumer' | 'producer'): void {
    const f = side === 'consumer' ? this.#wakeConsumer : this.#wakeProducer;
    if (side === 'consumer') this.#wakeConsumer = undefined;
    else this.#wakeProducer = undefined;
    f?.();
  }
}
