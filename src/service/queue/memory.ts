/**
 * The in-process queue. Pending ids live in memory; the records they point to are persisted
 * (SQLite), so a restarted service enqueues its queued and running jobs again.
 */
import type { JobHandler, QueueBackend } from './queue.js';

interface Slot {
  busy: boolean;
  outUntil: number;
  controller?: AbortController;
  done?: Promise<void>;
}

export class MemoryQueue implements QueueBackend {
  readonly name = 'memory';
  #pending: string[] = [];
  #slots: Slot[] = [];
  #concurrency = 1;
  #paused = false;
  #closing = false;
  #handler?: JobHandler;

  constructor(readonly onError: (err: unknown, id: string) => void) {}

  async start(handler: JobHandler, concurrency: number): Promise<void> {
    this.#handler = handler;
    this.setConcurrency(concurrency);
  }

  async enqueue(id: string): Promise<void> {
    if (!this.#pending.includes(id)) this.#pending.push(id);
    this.#pump();
  }

  async waiting(): Promise<number> {
    return this.#pending.length;
  }

  running(): number {
    return this.#slots.filter((s) => s.busy).length;
  }

  async pause(): Promise<void> {
    this.#paused = true;
  }

  async resume(): Promise<void> {
    this.#paused = false;
    this.#pump();
  }

  async isPaused(): Promise<boolean> {
    return this.#paused;
  }

  setConcurrency(n: number): void {
    this.#concurrency = Math.max(1, n);
    while (this.#slots.length < this.#concurrency) this.#slots.push({ busy: false, outUntil: 0 });
    this.#pump();
  }

  recycle(slot: number, pauseMs: number): void {
    const s = this.#slots[slot];
    if (!s) return;
    s.outUntil = Date.now() + pauseMs;
    setTimeout(() => this.#pump(), pauseMs + 1).unref();
  }

  async healthy(): Promise<boolean> {
    return !this.#closing;
  }

  #pump(): void {
    if (this.#paused || this.#closing || !this.#handler) return;
    const now = Date.now();
    for (let i = 0; i < this.#concurrency && this.#pending.length > 0; i++) {
      const s = this.#slots[i];
      if (s.busy || s.outUntil > now) continue;
      const id = this.#pending.shift()!;
      s.busy = true;
      s.controller = new AbortController();
      s.done = this.#handler(id, { signal: s.controller.signal, slot: i })
        .then(() => undefined)
        .catch((err) => this.onError(err, id))
        .finally(() => {
          s.busy = false;
          s.controller = undefined;
          this.#pump();
        });
    }
  }

  async drain(): Promise<void> {
    this.#closing = true;
    for (const s of this.#slots) s.controller?.abort();
    await Promise.all(this.#slots.map((s) => s.done));
  }

  async close(): Promise<void> {
    await this.drain();
  }
}
