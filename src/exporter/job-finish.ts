/** A job that read everything: commit the file, write the manifest, record success. */
import * as path from 'node:path';
import { removeCheckpointFile } from './checkpoint-file.js';
import type { JobContext } from './job-context.js';
import type { ExportResult } from './job.js';
import { type ExportManifest, writeManifest } from './manifest.js';
import type { OutputFile } from './output-file.js';
import type { Progress } from './progress.js';
import type { StoredValue } from './row.js';
import type { ReaderRun } from './run-reader.js';
import type { Projection } from './transform.js';

function plain(v: StoredValue | undefined): string | number | null {
  return v?.v ?? null;
}

export async function finish(
  ctx: JobContext,
  output: OutputFile,
  progress: Progress,
  projection: Projection,
  used: ReaderRun,
  resumed: boolean,
): Promise<ExportResult> {
  const { job, settings, store } = ctx;
  const ex = settings.export;
  const sha256 = output.digest();
  const bytes = output.bytes;
  output.commit(job.file);
  removeCheckpointFile(job.tempFile);
  const final = progress.checkpoint(bytes);
  // One reading of the job's clock: the manifest, the record and the duration agree.
  const finishedAt = ctx.now();
  const manifest: ExportManifest = {
    version: 1,
    job: job.id,
    env: job.env,
    file: path.basename(job.file),
    format: ex.output.format,
    encoding: ex.output.encoding,
    columns: projection.names,
    rows: final.rows,
    bytes,
    sha256,
    replaced: final.replaced,
    key: { column: ex.source.key, first: plain(final.firstKey), last: plain(final.lastKey) },
    cursor: job.window.cursor
      ? { column: job.window.cursor, min: plain(final.minCursor), max: plain(final.maxCursor) }
      : null,
    configDigest: settings.configDigest,
    startedAt: new Date(job.createdAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
  };
  const manifestFile = writeManifest(job.file, manifest);
  await store.saveCheckpoint(job.id, final);
  await store.updateJob(job.id, { status: 'succeeded', finishedAt, resumable: false });
  if (job.window.highWaterScope && final.highWater)
    await store.setHighWaterMark(job.window.highWaterScope, final.highWater);
  const durationMs = finishedAt - ctx.startedAt;
  ctx.logger.log('info', 'export finished', {
    job: job.id,
    rows: final.rows,
    bytes,
    duration_ms: durationMs,
    reader: used.path,
    readers: used.readers,
  });
  return {
    job: job.id,
    file: job.file,
    manifest: manifestFile,
    rows: final.rows,
    bytes,
    sha256,
    encoding: ex.output.encoding,
    replaced: final.replaced,
    duration_ms: durationMs,
    resumed,
    path: used.path,
    readers: used.readers,
    incremental: job.window.cursor
      ? {
          column: job.window.cursor,
          after: job.window.after
            ? { cursor: plain(job.window.after.cursor)!, key: plain(job.window.after.key)! }
            : null,
          full: ctx.opts.full === true,
        }
      : undefined,
  };
}
