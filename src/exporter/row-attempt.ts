/**
 * The in-thread reader: keyset chunks from the source through the bounded queue, formatted,
 * encoded and written in the job's thread. Used when SQL does not build the text and no
 * range worker runs (none built, `EXPORTCTL_WORKERS=0`, too few cores for SQLite's, or none
 * could open the source).
 */
import type { ColumnKind, Row } from './row.js';
import { Checkpointer, type JobContext, readRequest, rowLimitError, startFormatter } from './job-context.js';
import type { OutputFile } from './output-file.js';
import type { Progress } from './progress.js';
import { BoundedQueue } from './queue.js';
import type { Source } from './sources/source.js';
import { type Projection, applyTruncation } from './transform.js';

/** Rows formatted and encoded at a time: a slice's text dies young instead of a chunk's aging. */
const FORMAT_SLICE_ROWS = 512;

export async function rowAttempt(
  ctx: JobContext,
  source: Source,
  projection: Projection,
  kinds: readonly ColumnKind[],
  output: OutputFile,
  progress: Progress,
): Promise<void> {
  const ex = ctx.settings.export;
  const formatter = startFormatter(ctx, projection, kinds, output);
  const queue = new BoundedQueue<Row>(ex.queueCapacity);
  const req = readRequest(ctx, projection);
  const onAbort = () => queue.fail(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const producer = (async () => {
    try {
      for await (const chunk of source.chunks(req)) await queue.push(chunk.rows);
      queue.close();
    } catch (err) {
      queue.fail(err);
    }
  })();
  const cp = new Checkpointer(ctx, output, progress);
  const max = ex.limits.maxRows;
  const { keyIndex, cursorIndex, truncate } = projection;
  try {
    for (;;) {
      const rows = await queue.take();
      if (rows === null) break;
      if (max !== undefined && progress.rows + rows.length > max) throw rowLimitError(max);
      applyTruncation(rows, truncate);
      for (let i = 0; i < rows.length; i += FORMAT_SLICE_ROWS) {
        const to = Math.min(rows.length, i + FORMAT_SLICE_ROWS);
        output.write(ctx.encoder.encode(formatter.format(rows, i, to, progress.rows + i + 1)));
      }
      progress.track(rows, keyIndex, cursorIndex);
      progress.rows += rows.length;
      progress.replaced = ctx.encoder.replaced;
      await cp.maybe();
    }
    await cp.drain();
  } catch (err) {
    queue.fail(err);
    // Keep what was written whole: a retry or --resume continues from here.
    await cp.save().catch(() => {});
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await producer;
  }
}
