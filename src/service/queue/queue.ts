/** The job queue behind the service: in-process (`memory`) or BullMQ on Redis (`redis`). */

/** `requeue`: the job was stopped to drain and goes back to the queue, checkpointed. */
export type JobOutcome = 'done' | 'requeue';

export interface JobContext {
  signal: AbortSignal;
  /** Which worker runs it (for recycling a worker that keeps failing). */
  slot: number;
}

export type JobHandler = (id: string, ctx: JobContext) => Promise<JobOutcome>;

export interface QueueBackend {
  readonly name: 'memory' | 'redis';
  /** Starts `concurrency` workers calling `handler`. */
  start(handler: JobHandler, concurrency: number): Promise<void>;
  enqueue(id: string): Promise<void>;
  /** Jobs waiting for a worker (every process's, for redis). */
  waiting(): Promise<number>;
  /** Jobs running in this process. */
  running(): number;
  pause(): Promise<void>;
  resume(): Promise<void>;
  isPaused(): Promise<boolean>;
  setConcurrency(n: number): void;
  /** Takes worker `slot` out, replaces it with a fresh one after `pauseMs`. */
  recycle(slot: number, pauseMs: number): void;
  /** The queue can take and hand out jobs. */
  healthy(): Promise<boolean>;
  /** Stops taking jobs, aborts the running ones (they checkpoint) and waits for them. */
  drain(): Promise<void>;
  close(): Promise<void>;
}
