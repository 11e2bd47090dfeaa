/**
 * The distributed queue: BullMQ on Redis. Every `serve` process runs `workers` BullMQ
 * workers (one job each), so processes on several machines share one queue. BullMQ's lock
 * gives a job to one worker at a time; a worker that dies stops renewing it, the stalled
 * check of a live process moves the job back to wait after the lock expires, and the next
 * worker resumes it from its checkpoint (see store/redis.ts for the fencing on top).
 */
import { type Job, Queue, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobHandler, QueueBackend } from './queue.js';

export interface BullQueueOptions {
  url: string;
  /** Key prefix in Redis, e.g. `exportctl:orders-export:dev`. */
  prefix: string;
  /** How long a worker's lock on a job lasts without renewal (takeover delay after a crash). */
  lockDurationMs: number;
  onError: (err: unknown, id?: string) => void;
}

interface Active {
  controller: AbortController;
}

export class BullQueue implements QueueBackend {
  readonly name = 'redis';
  readonly connection: Redis;
  readonly #queue: Queue;
  #workers: Array<Worker | undefined> = [];
  #active = new Map<string, Active>();
  #handler?: JobHandler;
  #concurrency = 1;
  #closing = false;

  constructor(readonly opts: BullQueueOptions) {
    this.connection = new Redis(opts.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (err) => opts.onError(err));
    this.#queue = new Queue('exports', { connection: this.connection, prefix: opts.prefix });
    this.#queue.on('error', (err) => opts.onError(err));
  }

  async start(handler: JobHandler, concurrency: number): Promise<void> {
    this.#handler = handler;
    await this.#queue.waitUntilReady();
    this.setConcurrency(concurrency);
  }

  #newWorker(slot: number): Worker {
    const worker = new Worker(
      'exports',
      async (job: Job<{ id: string }>, token?: string) => {
        const controller = new AbortController();
        this.#active.set(job.id!, { controller });
        try {
          const outcome = await this.#handler!(job.data.id, { signal: controller.signal, slot });
          if (outcome === 'requeue') {
            // Drained: back to wait for another process, which resumes from the checkpoint.
            await job.moveToWait(token);
            throw new WaitingError();
          }
        } finally {
          this.#active.delete(job.id!);
        }
      },
      {
        connection: this.connection,
        prefix: this.opts.prefix,
        concurrency: 1,
        lockDuration: this.opts.lockDurationMs,
        stalledInterval: this.opts.lockDurationMs,
        // A job that stalls (its worker died) is taken over, never failed for it.
        maxStalledCount: 1000,
      },
    );
    worker.on('error', (err) => this.opts.onError(err));
    worker.on('lockRenewalFailed', (ids: string[]) => {
      // Another worker may take the job over: stop writing to it.
      for (const id of ids) this.#active.get(id)?.controller.abort();
    });
    return worker;
  }

  async enqueue(id: string): Promise<void> {
    await this.#queue.add('export', { id }, { jobId: id, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async waiting(): Promise<number> {
    return this.#queue.getJobCountByTypes('waiting', 'prioritized', 'delayed');
  }

  running(): number {
    return this.#active.size;
  }

  async pause(): Promise<void> {
    await this.#queue.pause();
  }

  async resume(): Promise<void> {
    await this.#queue.resume();
  }

  async isPaused(): Promise<boolean> {
    return this.#queue.isPaused();
  }

  setConcurrency(n: number): void {
    this.#concurrency = Math.max(1, n);
    if (this.#closing || !this.#handler) return;
    for (let i = 0; i < this.#concurrency; i++) if (!this.#workers[i]) this.#workers[i] = this.#newWorker(i);
    for (let i = this.#concurrency; i < this.#workers.length; i++) {
      void this.#workers[i]?.close();
      this.#workers[i] = undefined;
    }
  }

  recycle(slot: number, pauseMs: number): void {
    const w = this.#workers[slot];
    if (!w) return;
    this.#workers[slot] = undefined;
    // Not awaited here: the handler that asks is still inside this worker's job.
    setImmediate(async () => {
      await w.close().catch((err) => this.opts.onError(err));
      setTimeout(() => {
        if (!this.#closing && slot < this.#concurrency && !this.#workers[slot])
          this.#workers[slot] = this.#newWorker(slot);
      }, pauseMs).unref();
    });
  }

  async healthy(): Promise<boolean> {
    if (this.#closing) return false;
    try {
      return (await this.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async drain(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const closing = this.#workers.map((w) => w?.close());
    for (const a of this.#active.values()) a.controller.abort();
    await Promise.allSettled(closing);
  }

  async close(): Promise<void> {
    await this.drain();
    await this.#queue.close().catch(() => {});
    this.connection.disconnect();
  }
}
