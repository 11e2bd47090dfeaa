/**
 * A worker thread that turns key ranges of the job's source into output bytes: read,
 * truncate, format, encode. The job thread plans the ranges, writes the bytes in key
 * order, hashes and checkpoints; reading and formatting, the costly part, run in parallel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEncoder } from '../encoding.js';
import { ExportError, classifySourceError } from '../errors.js';
import { createFormatter } from '../format.js';
import { GrowableBytes } from '../growable-bytes.js';
import { Progress } from '../progress.js';
import { applyTruncation } from '../transform.js';
import type { RangeResult, RangeTask, RangeWorkerConfig, RangeWorkerReady } from './protocol.js';
import { openRangeReader } from './range-readers.js';

const cfg = workerData as RangeWorkerConfig;
const port = parentPort!;

const opened = openRangeReader(cfg);
opened.then(
  () => port.postMessage({ ready: true } satisfies RangeWorkerReady),
  (err: unknown) => {
    const e = err instanceof ExportError ? err : classifySourceError(err, 'connect');
    port.postMessage({
      ready: false,
      error: { code: e.code, message: e.message, details: e.details, transient: e.transient },
    } satisfies RangeWorkerReady);
  },
);
const encoder = createEncoder(cfg.encoding, cfg.onUnencodable);
const formatter = createFormatter(cfg.format, cfg.names, cfg.kinds, { header: false, encoder });

/**
 * A range is read and formatted a slice at a time (keyset within the range), straight into
 * the range's buffer: a slice's rows and text die young in a small young generation instead
 * of a whole range surviving into the old one. Slices hold at most MAX_SLICE_ROWS rows and
 * about SLICE_CHARS characters of output, so big rows make small slices; the first slice
 * learns the rows' size.
 */
export const MAX_SLICE_ROWS = 512;
const SLICE_CHARS = 1 << 19;
let sliceRows = 16;

async function run(task: RangeTask): Promise<RangeResult> {
  try {
    encoder.replaced = 0;
    const out = new GrowableBytes(pool.pop() ?? 1 << 20);
    const progress = new Progress({ rows: 0, bytes: 0, replaced: 0 });
    const reader = await opened;
    await reader.begin();
    try {
      let after = task.after;
      for (;;) {
        const limit = sliceRows;
        const rows = await reader.read(after, task.upTo, limit);
        if (rows.length === 0) break;
        applyTruncation(rows, cfg.truncate);
        const text = formatter.format(rows, 0, rows.length, progress.rows + 1);
        const perRow = Math.max(1, text.length / rows.length);
        sliceRows = Math.max(1, Math.min(MAX_SLICE_ROWS, Math.floor(SLICE_CHARS / perRow)));
        if (encoder.encoding === 'utf-8') out.writeUtf8(text);
        else out.writeBytes(encoder.encode(text));
        progress.track(rows, cfg.keyIndex, cfg.cursorIndex);
        progress.rows += rows.length;
        if (rows.length < limit) break;
        after = rows[rows.length - 1][cfg.keyIndex];
      }
    } finally {
      await reader.end();
    }
    const data = new Uint8Array(out.arrayBuffer, 0, out.length);
    return { id: task.id, ok: true, data, stats: progress.stats(), replaced: encoder.replaced };
  } catch (err) {
    const e = err instanceof ExportError ? err : classifySourceError(err, 'query');
    return {
      id: task.id,
      ok: false,
      error: { code: e.code, message: e.message, details: e.details, transient: e.transient },
    };
  }
}

// Buffers go to the job thread and come back once written: a few per worker, reused.
const pool: ArrayBuffer[] = [];

// Ranges run one after another (PostgreSQL reads are asynchronous).
let queue: Promise<void> = Promise.resolve();

port.on('message', (msg: RangeTask | { recycle: ArrayBuffer }) => {
  if ('recycle' in msg) {
    pool.push(msg.recycle);
    return;
  }
  const task = msg;
  queue = queue.then(async () => {
    const result = await run(task);
    port.postMessage(result, result.ok ? [result.data.buffer as ArrayBuffer] : []);
  });
});
