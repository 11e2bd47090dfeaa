/**
 * The reader of SQLite exports whose text SQL can write (no cursor to track): the database
 * builds each slice's output lines itself, in C, and hands them over as one UTF-8 buffer,
 * so JS handles one buffer per slice instead of an object per row. A slice SQL cannot
 * write exactly as format.ts does (a rare number, text that is not UTF-8, a character the
 * output encoding cannot hold when that fails the job) is read as rows and formatted in JS.
 * The bytes, counts, keys and checkpoints are those of the in-thread row reader.
 */
import type { OutputEncoder } from './encoding.js';
import { ExportError } from './errors.js';
import { Checkpointer, type JobContext, readRequest, rowLimitError, startFormatter } from './job-context.js';
import type { OutputFile } from './output-file.js';
import type { Progress } from './progress.js';
import type { ColumnKind } from './row.js';
import type { Source, TextSlice } from './sources/source.js';
import { type Projection, applyTruncation } from './transform.js';

/** Output bytes a slice aims at: one buffer in SQLite, one in JS, then written and dropped. */
const SLICE_BYTES = 256 << 10;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Whether SQL can write this export's text: a source that can, no incremental cursor (its
 * range and high-water mark need every row's value), and in another encoding than UTF-8,
 * JSONL keys in ASCII (the replacement count comes from the slice's text, where JSONL
 * repeats the keys on every line).
 */
export function canBuildInSql(ctx: JobContext, projection: Projection, source: Source): boolean {
  const ex = ctx.settings.export;
  return (
    source.textSlices !== undefined &&
    ex.source.incremental === undefined &&
    (ex.output.encoding === 'utf-8' ||
      ex.output.format === 'csv' ||
      !projection.names.some((n) => NON_ASCII.test(n)))
  );
}

/**
 * A slice's text in the output encoding, or undefined when the rows must say it: checked
 * and counted as a whole (every non-ASCII character of CSV and of ASCII-keyed JSONL is in
 * a text value, where format.ts checks it), or, when a character fails the job, left to
 * the rows, which name its row and column.
 */
function encodeSlice(encoder: OutputEncoder, data: Buffer): Buffer | undefined {
  if (encoder.encoding === 'utf-8') return data;
  const text = data.toString('utf8');
  try {
    encoder.checkField?.(text, 0, '');
  } catch (err) {
    if (err instanceof ExportError && err.code === 'UNENCODABLE_CHARACTER') return undefined;
    throw err;
  }
  return encoder.encode(text);
}

export async function sliceAttempt(
  ctx: JobContext,
  source: Source,
  projection: Projection,
  kinds: readonly ColumnKind[],
  output: OutputFile,
  progress: Progress,
): Promise<void> {
  const ex = ctx.settings.export;
  const formatter = startFormatter(ctx, projection, kinds, output);
  const cp = new Checkpointer(ctx, output, progress);
  const max = ex.limits.maxRows;
  const { keyIndex, cursorIndex, truncate } = projection;
  const req = {
    ...readRequest(ctx, projection),
    format: ex.output.format,
    names: projection.names,
    truncate,
    sliceBytes: SLICE_BYTES,
  };
  const writeRows = (slice: TextSlice) => {
    const rows = slice.rows();
    applyTruncation(rows, truncate);
    output.write(ctx.encoder.encode(formatter.format(rows, 0, rows.length, progress.rows + 1)));
    progress.track(rows, keyIndex, cursorIndex);
  };
  try {
    for await (const slice of source.textSlices!(req)) {
      if (max !== undefined && progress.rows + slice.count > max) throw rowLimitError(max);
      const bytes = slice.data && encodeSlice(ctx.encoder, slice.data);
      if (bytes) {
        output.write(bytes);
        if (progress.rows === 0 || progress.firstKey === undefined) progress.firstKey = slice.firstKey;
        progress.lastKey = slice.lastKey;
      } else {
        writeRows(slice);
      }
      progress.rows += slice.count;
      progress.replaced = ctx.encoder.replaced;
      await cp.maybe();
    }
    await cp.drain();
  } catch (err) {
    // Keep what was written whole: a retry or --resume continues from here.
    await cp.save().catch(() => {});
    throw err;
  }
}
