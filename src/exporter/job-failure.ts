/** A failed job: which errors keep the partial file for `--resume`, and recording the failure. */
import * as fs from 'node:fs';
import { removeCheckpointFile } from './checkpoint-file.js';
import { ExportError, type ExportErrorCode, classifySourceError } from './errors.js';
import type { Logger } from './log.js';
import type { JobRecord, StateStore } from './state/store.js';

/** Codes after which the partial file and checkpoint are kept for `--resume`. */
const RESUMABLE: ReadonlySet<ExportErrorCode> = new Set([
  'SOURCE_UNAVAILABLE',
  'SOURCE_QUERY_FAILED',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'DISK_BREAKER_OPEN',
  'TIMEOUT',
  'CANCELLED',
  'INTERNAL',
]);

export function toExportError(err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  return classifySourceError(err, 'query');
}

/** Marks the job failed at `now` (resumable or not, by its code) and logs why. */
export async function failJob(
  store: StateStore,
  job: JobRecord,
  e: ExportError,
  logger: Logger,
  now: number,
): Promise<void> {
  const resumable = RESUMABLE.has(e.code);
  if (!resumable) {
    fs.rmSync(job.tempFile, { force: true });
    removeCheckpointFile(job.tempFile);
  }
  await store
    .updateJob(job.id, {
      status: 'failed',
      errorCode: e.code,
      errorMessage: e.message,
      resumable,
      finishedAt: now,
    })
    .catch(() => {});
  logger.log('error', e.message, {
    job: job.id,
    code: e.code,
    error: e.message,
    resumable,
    ...(resumable ? { resume: `--resume ${job.id}` } : {}),
  });
}
