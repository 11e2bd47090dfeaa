/**
 * Runs one queued export request through the exporter: a new job, or the resumption of one
 * a stopped or crashed worker left behind (same id, from its checkpoint). Records the outcome,
 * counts it in the metrics and notifies the webhook.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  ExportError,
  type DiskUsageProbe,
  internalError,
  type Logger,
  type StateStore,
  runExport,
} from '../exporter/index.js';
import { resumeCheckpoint } from '../exporter/checkpoint-file.js';
import { manifestPath, type ExportManifest } from '../exporter/manifest.js';
import type { RunningConfig } from './config.js';
import { type ServiceJob, type ServiceJobStore, emptyIncrementalNote } from './jobs.js';
import type { ServiceMetrics } from './metrics.js';
import type { JobOutcome } from './queue/queue.js';
import { RedisStateStore, TakenOverError } from './store/redis.js';
import type { WebhookNotifier } from './webhook.js';

export interface RunnerDeps {
  config: () => RunningConfig;
  state: StateStore;
  jobs: ServiceJobStore;
  metrics: ServiceMetrics;
  notifier: WebhookNotifier;
  logger: Logger;
  diskUsage?: DiskUsageProbe;
  draining: () => boolean;
}

export interface RunOutcome {
  outcome: JobOutcome;
  /** The job failed (counts toward recycling the worker). */
  failed: boolean;
}

export const WORKER_ID = `${os.hostname()}:${process.pid}`;

export async function runServiceJob(deps: RunnerDeps, id: string, signal: AbortSignal): Promise<RunOutcome> {
  const { jobs, logger } = deps;
  const sj = await jobs.get(id);
  if (!sj) {
    logger.log('warn', 'queued job has no record; dropped', { job: id });
    return { outcome: 'done', failed: false };
  }
  if (sj.status === 'succeeded' || sj.status === 'failed') return { outcome: 'done', failed: false };
  const config = deps.config();

  // In distributed mode the run claims the job: an earlier owner's writes are refused from now on.
  let store = deps.state;
  if (store instanceof RedisStateStore) {
    const token = `${WORKER_ID}:${randomBytes(6).toString('hex')}`;
    await store.claim(id, token);
    store = store.fenced(token);
  }
  const existing = await store.getJob(id);
  if (existing?.status === 'succeeded') return finishFromManifest(deps, sj, existing.file);
  if (existing?.status === 'failed' && !existing.resumable) {
    return fail(deps, sj, new ExportError(existing.errorCode as never, existing.errorMessage ?? 'failed'));
  }
  const startedAt = Date.now();
  await jobs.update(id, {
    status: 'running',
    startedAt: sj.startedAt ?? startedAt,
    attempts: sj.attempts + 1,
    worker: WORKER_ID,
  });
  if (existing) {
    const from = resumeCheckpoint(existing.tempFile, existing.checkpoint);
    logger.log('info', `taking up job ${id} from row ${from.rows}`, { job: id, rows: from.rows });
  }
  try {
    const result = await runExport({
      values: config.values,
      // Read once when the config was loaded, with the service's variables.
      settings: config.exporter,
      projectRoot: config.projectRoot,
      protectedPaths: config.protectedPaths,
      env: config.env,
      user: sj.user,
      jobId: id,
      resume: existing ? id : undefined,
      rateLimit: false,
      full: sj.full,
      store,
      signal,
      logger,
      diskUsage: deps.diskUsage,
      // Jobs share the event loop with the API: yield often so requests stay fast.
      progressIntervalMs: 10,
    });
    const window = (await store.getJob(id))?.window;
    const done = await jobs.update(id, {
      status: 'succeeded',
      finishedAt: Date.now(),
      file: result.file,
      rows: result.rows,
      bytes: result.bytes,
      sha256: result.sha256,
      error: undefined,
      incremental:
        !sj.full && window?.cursor && window.after
          ? { column: window.cursor, after: window.after.cursor.v }
          : undefined,
    });
    const note = emptyIncrementalNote(done);
    if (note) logger.log('info', note, { job: id, rows: 0 });
    deps.metrics.jobs.inc({ status: 'succeeded' });
    deps.metrics.rows.inc(result.rows);
    deps.metrics.duration.observe(result.duration_ms / 1000);
    notify(deps, done);
    return { outcome: 'done', failed: false };
  } catch (err) {
    if (err instanceof TakenOverError) {
      logger.log('warn', err.message, { job: id, code: err.code });
      return { outcome: 'done', failed: false };
    }
    const e = internalError(err);
    if (e.code === 'CANCELLED' && deps.draining()) {
      // Checkpointed by the exporter; the next worker (or the restarted service) resumes it.
      await jobs.update(id, { status: 'queued', worker: undefined });
      logger.log('info', 'job checkpointed for shutdown; it will resume', { job: id });
      return { outcome: 'requeue', failed: false };
    }
    if (e.code === 'CANCELLED' && signal.aborted) {
      // The lock was lost: another worker takes the job over from its checkpoint.
      logger.log('warn', 'lost the lock on the job; leaving it to another worker', { job: id });
      return { outcome: 'done', failed: false };
    }
    return fail(deps, sj, e);
  }
}

async function fail(deps: RunnerDeps, sj: ServiceJob, e: ExportError): Promise<RunOutcome> {
  const done = await deps.jobs.update(sj.id, {
    status: 'failed',
    finishedAt: Date.now(),
    error: { code: e.code, message: e.message },
  });
  deps.metrics.jobs.inc({ status: 'failed' });
  deps.metrics.failures.inc({ code: e.code });
  notify(deps, done);
  return { outcome: 'done', failed: true };
}

/** The exporter finished but the service did not record it (a crash in between). */
async function finishFromManifest(deps: RunnerDeps, sj: ServiceJob, file: string): Promise<RunOutcome> {
  const m = JSON.parse(fs.readFileSync(manifestPath(file), 'utf8')) as ExportManifest;
  const done = await deps.jobs.update(sj.id, {
    status: 'succeeded',
    finishedAt: Date.now(),
    file,
    rows: m.rows,
    bytes: m.bytes,
    sha256: m.sha256,
  });
  deps.metrics.jobs.inc({ status: 'succeeded' });
  notify(deps, done);
  return { outcome: 'done', failed: false };
}

function notify(deps: RunnerDeps, job: ServiceJob): void {
  deps.notifier.notify({
    event: job.status === 'succeeded' ? 'export.succeeded' : 'export.failed',
    id: job.id,
    env: job.env,
    user: job.user,
    status: job.status,
    rows: job.rows,
    bytes: job.bytes,
    sha256: job.sha256,
    error: job.error,
    download: job.status === 'succeeded' ? `/exports/${job.id}/download` : undefined,
  });
}
