/**
 * The COPY readers of PostgreSQL exports that need no JS per row: CSV bytes go from the
 * server to the file as COPY wrote them. With reader connections to spare, key ranges are
 * copied in parallel in one shared snapshot; otherwise one COPY streams the whole export.
 */
import { CsvRowScanner, csvFieldAt } from './copy-scanner.js';
import { ExportError } from './errors.js';
import { Checkpointer, type JobContext, readRequest, rowLimitError, startFormatter } from './job-context.js';
import type { OutputFile } from './output-file.js';
import type { Progress } from './progress.js';
import type { SqlValue } from './row.js';
import type { CopyRanges, Source } from './sources/source.js';
import type { Projection } from './transform.js';

/** Bytes a parallel COPY range aims at: the ranges in flight are buffered whole. */
const DEFAULT_RANGE_BYTES = 4 << 20;

export async function copyAttempt(
  ctx: JobContext,
  source: Source,
  projection: Projection,
  output: OutputFile,
  progress: Progress,
): Promise<void> {
  const ex = ctx.settings.export;
  startFormatter(ctx, projection, [], output); // a fresh file's header; COPY writes the rows
  const stream = await source.copyCsv!({ ...readRequest(ctx, projection), truncate: projection.truncate });
  const onAbort = () => stream.destroy(ctx.signal.reason as Error);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const scanner = new CsvRowScanner();
  const cp = new Checkpointer(ctx, output, progress);
  const max = ex.limits.maxRows;
  const keyFromCsv = (): SqlValue | undefined => scanner.lastRowField(projection.keyIndex) ?? undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const { complete, rows } = scanner.feed(chunk);
      if (rows === 0) continue;
      if (max !== undefined && progress.rows + rows > max) throw rowLimitError(max);
      output.write(complete);
      if (progress.rows === 0 && progress.firstKey === undefined) {
        progress.firstKey = scanner.firstRowField(projection.keyIndex) ?? undefined;
      }
      progress.rows += rows;
      progress.lastKey = keyFromCsv();
      await cp.maybe();
    }
    if (scanner.pending > 0) throw new ExportError('SOURCE_QUERY_FAILED', 'COPY ended inside a row');
    await cp.drain();
  } catch (err) {
    await cp.save().catch(() => {});
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}

/**
 * Opens parallel range readers for this attempt, or undefined when the source cannot (not
 * PostgreSQL, a query source, no snapshot sharing, no connection to spare).
 */
export async function openCopyRanges(
  ctx: JobContext,
  source: Source,
  projection: Projection,
  readers: number,
): Promise<CopyRanges | undefined> {
  if (!source.openCopyRanges || readers < 1) return undefined;
  return source.openCopyRanges(
    { ...readRequest(ctx, projection), truncate: projection.truncate },
    readers,
    ctx.opts.copyRangeBytes ?? DEFAULT_RANGE_BYTES,
  );
}

export async function copyRangesAttempt(
  ctx: JobContext,
  ranges: CopyRanges,
  projection: Projection,
  output: OutputFile,
  progress: Progress,
): Promise<void> {
  const ex = ctx.settings.export;
  startFormatter(ctx, projection, [], output); // a fresh file's header; COPY writes the rows
  const cp = new Checkpointer(ctx, output, progress);
  const max = ex.limits.maxRows;
  const key = (row: Buffer | undefined): SqlValue | undefined =>
    row === undefined ? undefined : (csvFieldAt(row.toString('utf8'), projection.keyIndex) ?? undefined);
  // Two ranges queued per reader keep every connection busy while one is written; ranges are
  // sized in bytes, so this also bounds the memory they hold (about 8 MiB per reader).
  const inFlight = 2 * ranges.readers;
  try {
    for await (const r of ranges.ranges(inFlight)) {
      if (r.rows === 0) continue;
      if (max !== undefined && progress.rows + r.rows > max) throw rowLimitError(max);
      output.write(r.data);
      if (progress.rows === 0 && progress.firstKey === undefined) progress.firstKey = key(r.firstRow);
      progress.rows += r.rows;
      progress.lastKey = key(r.lastRow);
      await cp.maybe();
    }
    await cp.drain();
  } catch (err) {
    await cp.save().catch(() => {});
    throw err;
  } finally {
    await ranges.close();
  }
}
