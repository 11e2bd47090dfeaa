/**
 * What the service knows of an export request: who asked, where it is in the queue, and how
 * it ended. The exporter's own JobRecord (same id) holds the checkpoint; this record exists
 * from the moment the request is accepted, before any worker picks it up.
 */
export type ServiceJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ServiceJob {
  id: string;
  user: string;
  env: string;
  status: ServiceJobStatus;
  /** Ignore the incremental high-water mark. */
  full: boolean;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** How many times a worker started (or resumed) it. */
  attempts: number;
  /** `host:pid` of the worker running it last. */
  worker?: string;
  file?: string;
  rows?: number;
  bytes?: number;
  sha256?: string;
  error?: { code: string; message: string };
  /**
   * An incremental run: the cursor column and the mark it read after (the previous export's
   * high-water mark). Absent for full runs and first runs.
   */
  incremental?: { column: string; after: string | number };
  /** An answer from the user's newest completed export while the source was down (cache_first). */
  stale?: boolean;
  staleFrom?: string;
}

export type ServiceJobUpdate = Partial<Omit<ServiceJob, 'id' | 'user' | 'env' | 'createdAt'>>;

export interface ServiceJobStore {
  create(job: ServiceJob): Promise<void>;
  get(id: string): Promise<ServiceJob | undefined>;
  update(id: string, update: ServiceJobUpdate): Promise<ServiceJob>;
  /** Queued and running jobs, oldest first (a restarted memory queue takes them up again). */
  unfinished(): Promise<ServiceJob[]>;
  /**
   * `user`'s newest succeeded, non-stale job whose file still exists (cache_first fallback):
   * a user is never answered with another user's export.
   */
  newestSucceeded(user: string): Promise<ServiceJob | undefined>;
  close(): Promise<void>;
}

/** The JSON a client sees. */
export function publicJob(
  job: ServiceJob,
  progress?: { rows: number; bytes: number },
): Record<string, unknown> {
  const iso = (t?: number) => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    id: job.id,
    user: job.user,
    env: job.env,
    status: job.status,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    attempts: job.attempts,
    rows: job.status === 'succeeded' ? job.rows : progress?.rows,
    bytes: job.status === 'succeeded' ? job.bytes : progress?.bytes,
    sha256: job.sha256,
    error: job.error,
    incremental: job.incremental,
    note: emptyIncrementalNote(job),
    stale: job.stale || undefined,
    stale_from: job.staleFrom,
    download: job.status === 'succeeded' ? `/exports/${job.id}/download` : undefined,
  };
}

/** Why an incremental run wrote no rows, and how to export everything. */
export function emptyIncrementalNote(job: ServiceJob): string | undefined {
  if (job.status !== 'succeeded' || job.rows !== 0 || !job.incremental || job.stale) return undefined;
  const { column, after } = job.incremental;
  return `incremental export: no rows changed after ${column} ${JSON.stringify(after)} (the previous export's mark); POST {"full": true} to export everything`;
}

/** Headers of an answer that comes from a cached (stale) export. */
export const STALE_HEADERS = { warning: '110 - "Response is Stale"', 'x-export-stale': 'true' };
