/**
 * Which reader an attempt runs, and how many read at once: decided here, in one place.
 *
 * - PostgreSQL, whenever the server can write the rows as the JS formatter would (CSV;
 *   JSON lines without JSON columns; any encoding, transcoded): COPY of key ranges on
 *   parallel connections, or one COPY stream when the key (and an incremental cursor) are
 *   output columns, which the stream then names for checkpoints.
 * - SQLite with no cursor to track, readers not set: slices whose text SQLite writes, in
 *   the job's thread (see bench/export.mjs).
 * - Otherwise range workers when they can run and pay (PostgreSQL tables; SQLite with a
 *   core for each worker besides the job thread's), else the in-thread row reader.
 * PostgreSQL readers stay within the job's share of the pool, one connection planning.
 */
import * as os from 'node:os';
import { copyAttempt, copyRangesAttempt, openCopyRanges } from './copy-attempt.js';
import { copyNamesEncodable } from './copy-transcode.js';
import { type JobContext, readRequest } from './job-context.js';
import type { OutputFile } from './output-file.js';
import { defaultWorkerCount, parallelAttempt, parallelAvailable } from './parallel/parallel-attempt.js';
import type { Progress } from './progress.js';
import type { ColumnKind } from './row.js';
import { rowAttempt } from './row-attempt.js';
import { canBuildInSql, sliceAttempt } from './slice-attempt.js';
import { copyCanRender } from './sources/pg-copy-sql.js';
import type { Source } from './sources/source.js';
import type { Projection } from './transform.js';

/**
 * Which reader ran: keyset chunks in the job's thread, parallel range workers (SQLite, and
 * PostgreSQL when rows need JS), one COPY stream, or COPY of key ranges on parallel
 * connections (PostgreSQL), or slices whose text SQLite wrote, in the job's thread.
 */
export type ExportPath = 'rows' | 'parallel' | 'copy' | 'parallel-copy' | 'sql';

export interface ReaderRun {
  path: ExportPath;
  /** How many read at once: worker threads or COPY connections (1 for one stream). */
  readers: number;
}

/** COPY connections of a PostgreSQL export besides the planning one. */
const DEFAULT_COPY_READERS = 2;

/**
 * Whether COPY can write this export's bytes: PostgreSQL, CSV or JSON lines without JSON
 * columns (the JS writer re-serializes those), in JSON lines names the encoding holds.
 */
function canCopy(
  ctx: JobContext,
  projection: Projection,
  kinds: readonly ColumnKind[],
  source: Source,
): boolean {
  const format = ctx.settings.export.output.format;
  const outputs = kinds.slice(0, projection.names.length);
  return (
    ctx.opts.allowCopy !== false &&
    source.copyOut !== undefined &&
    copyCanRender(format === 'csv' ? { format } : { format, names: projection.names, kinds: outputs }) &&
    (format === 'csv' || copyNamesEncodable(ctx.encoder, projection.names))
  );
}

/**
 * SQLite range workers by default: only with a core for each besides the job thread's.
 * With fewer, the workers and the job thread take turns on the cores and each worker's
 * isolate costs ~30 MiB: on 2 cores two workers were slower than one thread on wide rows.
 */
function defaultSqliteWorkers(): number {
  const cpus = os.availableParallelism();
  return cpus >= 3 ? Math.min(2, cpus - 1) : 0;
}

/** One COPY stream names keys (and cursors) from its rows: they must be output columns. */
function streamCanTrack(projection: Projection): boolean {
  const n = projection.names.length;
  return projection.keyIndex < n && projection.cursorIndex < n;
}

/** Runs one attempt of the job with the reader that fits; says which ran. */
export async function runReader(
  ctx: JobContext,
  source: Source,
  projection: Projection,
  kinds: readonly ColumnKind[],
  output: OutputFile,
  progress: Progress,
): Promise<ReaderRun> {
  const requested = ctx.opts.workers;
  const connections =
    source.driver === 'postgres' ? ctx.settings.database.connectionsPerJob - 1 : Number.POSITIVE_INFINITY;
  if (canCopy(ctx, projection, kinds, source)) {
    const readers = Math.min(requested ?? DEFAULT_COPY_READERS, connections);
    const ranges = await openCopyRanges(ctx, source, projection, kinds, readers);
    if (ranges) {
      await copyRangesAttempt(ctx, ranges, projection, output, progress);
      return { path: 'parallel-copy', readers: ranges.readers };
    }
    if (streamCanTrack(projection)) {
      await copyAttempt(ctx, source, projection, kinds, output, progress);
      return { path: 'copy', readers: 1 };
    }
  }
  if (requested === undefined && canBuildInSql(ctx, projection, source)) {
    await sliceAttempt(ctx, source, projection, kinds, output, progress);
    return { path: 'sql', readers: 1 };
  }
  const byDefault = source.driver === 'sqlite' ? defaultSqliteWorkers() : defaultWorkerCount();
  const workers = Math.min(requested ?? (parallelAvailable() ? byDefault : 0), connections);
  const plan =
    workers > 0 && parallelAvailable()
      ? await source.openRangePlan?.(readRequest(ctx, projection))
      : undefined;
  if (plan) {
    const ran = await parallelAttempt(ctx, plan, projection, kinds, output, progress, workers);
    if (ran > 0) return { path: 'parallel', readers: ran };
  }
  await rowAttempt(ctx, source, projection, kinds, output, progress);
  return { path: 'rows', readers: 1 };
}
