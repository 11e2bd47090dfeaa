/**
 * The COPY readers of PostgreSQL exports: the server projects, truncates and writes the
 * rows' text (CSV, or JSON lines); the bytes go to the file as COPY wrote them, transcoded
 * when the output is not UTF-8. With reader connections to spare, key ranges are copied in
 * parallel in one shared snapshot; otherwise one COPY streams the whole export.
 */
import { type RowCallback, fieldAt, rowScanner } from './copy-scanner.js';
import { transcodeRows } from './copy-transcode.js';
import { ExportError } from './errors.js';
import { Checkpointer, type JobContext, readRequest, rowLimitError, startFormatter } from './job-context.js';
import type { OutputFile } from './output-file.js';
import type { Progress } from './progress.js';
import type { ColumnKind, Row } from './row.js';
import type { CopyRanges, CopyRequest, Source } from './sources/source.js';
import type { Projection } from './transform.js';

/** Bytes a parallel COPY range aims at: the ranges in flight are buffered whole. */
const DEFAULT_RANGE_BYTES = 4 << 20;

export function copyRequest(
  ctx: JobContext,
  projection: Projection,
  kinds: readonly ColumnKind[],
): CopyRequest {
  const format = ctx.settings.export.output.format;
  const outputs = projection.names.length;
  return {
    ...readRequest(ctx, projection),
    truncate: projection.truncate,
    outputs,
    row: format === 'csv' ? { format } : { format, names: projection.names, kinds: kinds.slice(0, outputs) },
  };
}

export async function copyAttempt(
  ctx: JobContext,
  source: Source,
  projection: Projection,
  kinds: readonly ColumnKind[],
  output: OutputFile,
  progress: Progress,
): Promise<void> {
  const ex = ctx.settings.export;
  const format = ex.output.format;
  startFormatter(ctx, projection, [], output); // a fresh file's header; COPY writes the rows
  const { keyIndex, cursorIndex, names } = projection;
  // An incremental run tracks every row's cursor (key and cursor are output columns here).
  const tracked: Row[] = [];
  const onRow: RowCallback | undefined =
    cursorIndex < 0
      ? undefined
      : (buf, start, end) => {
          const line = buf.toString('utf8', start, end);
          tracked.push([fieldAt(format, line, keyIndex) ?? null, fieldAt(format, line, cursorIndex) ?? null]);
        };
  const scanner = rowScanner(format, onRow);
  const stream = await source.copyOut!(copyRequest(ctx, projection, kinds));
  const onAbort = () => stream.destroy(ctx.signal.reason as Error);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const cp = new Checkpointer(ctx, output, progress);
  const max = ex.limits.maxRows;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const { complete, rows } = scanner.feed(chunk);
      if (rows === 0) continue;
      if (max !== undefined && progress.rows + rows > max) throw rowLimitError(max);
      transcodeRows(ctx.encoder, complete, format, names, progress.rows, (b) => output.write(b));
      if (onRow) {
        progress.track(tracked, 0, 1);
        tracked.length = 0;
      } else {
        if (progress.rows === 0 && progress.firstKey === undefined) {
          progress.firstKey = scanner.firstRowField(keyIndex) ?? undefined;
        }
        progress.lastKey = scanner.lastRowField(keyIndex) ?? undefined;
      }
      progress.rows += rows;
      progress.replaced = ctx.encoder.replaced;
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
  kinds: readonly ColumnKind[],
  readers: number,
): Promise<CopyRanges | undefined> {
  if (!source.openCopyRanges || readers < 1) return undefined;
  return source.openCopyRanges(
    copyRequest(ctx, projection, kinds),
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
  const format = ex.output.format;
  startFormatter(ctx, projection, [], output); // a fresh file's header; COPY writes the rows
  const cp = new Checkpointer(ctx, output, progress);
  const max = ex.limits.maxRows;
  // Two ranges queued per reader keep every connection busy while one is written; ranges are
  // sized in bytes, so this also bounds the memory they hold (about 8 MiB per reader).
  const inFlight = 2 * ranges.readers;
  try {
    for await (const r of ranges.ranges(inFlight)) {
      if (r.rows === 0) continue;
      if (max !== undefined && progress.rows + r.rows > max) throw rowLimitError(max);
      transcodeRows(ctx.encoder, r.data, format, projection.names, progress.rows, (b) => output.write(b));
      // Keys and cursors as the planner read them in the ranges' snapshot.
      progress.merge({
        rows: r.rows,
        firstKey: r.firstKey,
        lastKey: r.lastKey,
        minCursor: r.cursor?.min,
        maxCursor: r.cursor?.max,
        highKey: r.cursor?.highKey,
      });
      progress.replaced = ctx.encoder.replaced;
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
