/**
 * A worker thread that turns key ranges of a SQLite source into output bytes: read,
 * truncate, format, encode. The job thread plans the ranges, writes the bytes in key
 * order, hashes and checkpoints; reading and formatting, the costly part, run in parallel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createEncoder } from '../encoding.js';
import { ExportError, classifySourceError } from '../errors.js';
import { createFormatter } from '../format.js';
import { Progress } from '../progress.js';
import type { Row } from '../row.js';
import { quoteIdent, whereClause } from '../sources/source.js';
import { applyTruncation } from '../transform.js';
import type { RangeResult, RangeTask, RangeWorkerConfig } from './protocol.js';

const cfg = workerData as RangeWorkerConfig;
const port = parentPort!;

const db = new Database(cfg.file, { readonly: true, fileMustExist: true, timeout: cfg.busyTimeoutMs });
const encoder = createEncoder(cfg.encoding, cfg.onUnencodable);
const formatter = createFormatter(cfg.format, cfg.names, cfg.kinds, { header: false, encoder });
const cols = cfg.select.map(quoteIdent).join(', ');
const k = quoteIdent(cfg.key);

function statement(withAfter: boolean) {
  const params: unknown[] = [];
  const where = whereClause(
    { key: cfg.key, window: cfg.window, afterKey: withAfter ? 0 : undefined },
    (v) => {
      params.push(v);
      return '?';
    },
  );
  const sql = `SELECT ${cols} FROM ${cfg.from}${where ? `${where} AND` : ' WHERE'} ${k} <= ? ORDER BY ${k}`;
  return { stmt: db.prepare(sql).raw(true), params };
}

const first = statement(false);
const next = statement(true);

function run(task: RangeTask): RangeResult {
  try {
    const s = task.after === undefined ? first : next;
    const params = [...s.params];
    if (task.after !== undefined) params[0] = task.after;
    const rows = s.stmt.all(...params, task.upTo) as Row[];
    applyTruncation(rows, cfg.truncate);
    encoder.replaced = 0;
    const text = formatter.format(rows, 0, rows.length, 1);
    const data = encoder.encoding === 'utf-8' ? utf8Pooled(text) : ownBuffer(encoder.encode(text));
    const progress = new Progress({ rows: 0, bytes: 0, replaced: 0 });
    progress.track(rows, cfg.keyIndex, cfg.cursorIndex);
    progress.rows = rows.length;
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

function utf8Pooled(text: string): Uint8Array {
  const need = text.length * 3;
  let ab = pool.pop();
  while (ab && ab.byteLength < need) ab = pool.pop();
  if (!ab) ab = new ArrayBuffer(need + (1 << 16));
  const n = Buffer.from(ab).write(text, 0, 'utf8');
  return new Uint8Array(ab, 0, n);
}

/** Transferred buffers must own their ArrayBuffer (small Buffers share a pool). */
function ownBuffer(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.buffer.byteLength === b.length ? b : new Uint8Array(b);
}

port.on('message', (msg: RangeTask | { recycle: ArrayBuffer }) => {
  if ('recycle' in msg) {
    pool.push(msg.recycle);
    return;
  }
  const task = msg;
  const result = run(task);
  port.postMessage(result, result.ok ? [result.data.buffer as ArrayBuffer] : []);
});
