/**
 * The exporter's durable state: jobs with their checkpoints, incremental high-water marks,
 * and the rate-limit ledger. An interface, so the local SQLite store and a Redis store
 * (distributed mode) are interchangeable.
 */
import type { StoredValue } from '../row.js';

export type JobStatus = 'running' | 'succeeded' | 'failed';

/** What has been durably written: enough to resume byte for byte. */
export interface Checkpoint {
  rows: number;
  bytes: number;
  replaced: number;
  firstKey?: StoredValue;
  lastKey?: StoredValue;
  minCursor?: StoredValue;
  maxCursor?: StoredValue;
  /** The greatest `(cursor, key)` written: the next high-water mark. */
  highWater?: HighWaterMark;
}

export interface HighWaterMark {
  cursor: StoredValue;
  key: StoredValue;
}

/** The rows a job covers, fixed when it starts so a resumed job reads the same window. */
export interface JobWindow {
  cursor?: string;
  after?: HighWaterMark;
  upTo?: StoredValue;
  /** Scope of the high-water mark this job advances on success. */
  highWaterScope?: string;
}

export interface JobRecord {
  id: string;
  env: string;
  user: string;
  status: JobStatus;
  /** Final output path and the temporary file beside it. */
  file: string;
  tempFile: string;
  configDigest: string;
  window: JobWindow;
  checkpoint: Checkpoint;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  errorCode?: string;
  errorMessage?: string;
  /** A failed job whose temporary file and checkpoint were kept for `--resume`. */
  resumable: boolean;
  /** The process running the job (to refuse resuming a job that is still running). */
  pid: number;
  host: string;
}

export type JobUpdate = Partial<
  Pick<JobRecord, 'status' | 'errorCode' | 'errorMessage' | 'resumable' | 'pid' | 'host' | 'finishedAt'>
>;

export type RateDecision =
  /** `slot` names the recorded request, for `releaseRateSlot`. */
  { allowed: true; used: number; slot: string } | { allowed: false; retryAt: number; used: number };

export interface StateStore {
  createJob(job: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** The newest job of an environment that did not succeed and can be resumed. */
  newestResumableJob(env: string): Promise<JobRecord | undefined>;
  saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void>;
  updateJob(id: string, update: JobUpdate): Promise<void>;
  getHighWaterMark(scope: string): Promise<HighWaterMark | undefined>;
  setHighWaterMark(scope: string, mark: HighWaterMark): Promise<void>;
  /**
   * Records one request of `subject` at `now` if fewer than `limit` were recorded within
   * `windowMs` before it; otherwise refuses and says when the oldest one leaves the window.
   */
  takeRateSlot(subject: string, limit: number, windowMs: number, now: number): Promise<RateDecision>;
  /** Gives back a slot taken for a request that never started (it does not count). */
  releaseRateSlot(subject: string, slot: string): Promise<void>;
  close(): Promise<void>;
}
