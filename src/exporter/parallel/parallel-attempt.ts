/**
 * The parallel reader of exports whose rows need JS (SQLite always; PostgreSQL when COPY
 * cannot write them, see run-reader.ts). The job thread plans key ranges of `chunk_size` rows
 * (a keyset scan over the key alone; for PostgreSQL in a snapshot the workers import),
 * worker threads read and render them, and the job thread writes the rendered ranges
 * strictly in key order, so the output is byte for byte the one the single-threaded path
 * writes. Ranges in flight are bounded by `queue.capacity` rows (at least two per worker):
 * memory stays flat.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../../package-root.js';
import type { OutputEncoder } from '../encoding.js';
import { unencodableError } from '../encoding.js';
import { ExportError } from '../errors.js';
import { Checkpointer, type JobContext, readRequest, rowLimitError, startFormatter } from '../job-context.js';
import type { OutputFile } from '../output-file.js';
import type { Progress } from '../progress.js';
import type { ColumnKind, SqlValue } from '../row.js';
import type { RangePlan, ReadRequest } from '../sources/source.js';
import type { Projection } from '../transform.js';
import type { RangeResult, RangeTask, RangeWorkerConfig, RangeWorkerReady } from './protocol.js';

/**
 * The compiled worker: beside this module in dist/, or in dist/ under the package root when
 * this module runs from the CLI bundle. Under a TypeScript loader (tests) there is none.
 */
function workerFile(): string {
  const here = fileURLToPath(new URL('./range-worker.js', import.meta.url));
  if (fs.existsSync(here) || !/[\\/]dist[\\/]bundle[\\/]/.test(here)) return here;
  return path.join(PACKAGE_ROOT, 'dist', 'exporter', 'parallel', 'range-worker.js');
}

const WORKER_FILE = workerFile();

/** Whether range workers can run here (the compiled worker exists; not under a TS loader). */
export function parallelAvailable(): boolean {
  return fs.existsSync(WORKER_FILE);
}

/**
 * One worker per CPU, at most 2: the job thread's share (planning, writing, hashing,
 * checkpoints) is small, and each worker is an isolate of ~30 MiB, so two keep the
 * exporter's peak RSS under 150 MiB whatever the row count. EXPORTCTL_WORKERS overrides.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

const WORKER_YOUNG_GENERATION_MB = 8;

interface Pending {
  resolve: (r: RangeResult) => void;
  reject: (e: unknown) => void;
}

class RangeWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #failed: unknown;
  /** Resolves once the worker opened its source: undefined, or why it could not. */
  readonly ready: Promise<ExportError | undefined>;
  #onReady!: (e: ExportError | undefined) => void;

  constructor(config: RangeWorkerConfig) {
    this.#worker = new Worker(WORKER_FILE, {
      workerData: config,
      // The parent's flags (--input-type, loaders, inspectors) are not the worker's.
      execArgv: [],
      // A worker reads and formats a slice of rows at a time, so a slice's garbage dies in a
      // small young generation; the default (3 x 16 MiB semi-spaces) would cost ~40 MiB of
      // RSS per worker for no speed.
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.ready = new Promise((resolve) => {
      this.#onReady = resolve;
    });
    this.#worker.on('message', (r: RangeResult | RangeWorkerReady) => {
      if ('ready' in r) {
        if (r.ready) this.#onReady(undefined);
        else
          this.#onReady(new ExportError(r.error.code, r.error.message, r.error.details, r.error.transient));
        return;
      }
      const p = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      p?.resolve(r);
    });
    const fail = (err: unknown) => {
      // A worker that died before it opened the source: the job can still read in-thread.
      this.#onReady(
        err instanceof ExportError
          ? err
          : new ExportError('SOURCE_UNAVAILABLE', `range worker failed: ${String(err)}`, {}, true),
      );
      this.#failed = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => {
      // Also settles `ready` when the worker ends before saying whether it opened the source.
      fail(new Error(`range worker exited with code ${code}`));
    });
  }

  run(task: RangeTask): Promise<RangeResult> {
    if (this.#failed) return Promise.reject(this.#failed);
    const p = new Promise<RangeResult>((resolve, reject) => {
      this.#pending.set(task.id, { resolve, reject });
    });
    this.#worker.postMessage(task);
    return p;
  }

  /** Hands a written buffer back for reuse. */
  recycle(data: Uint8Array): void {
    if (this.#failed) return;
    this.#worker.postMessage({ recycle: data.buffer }, [data.buffer as ArrayBuffer]);
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}

function toError(
  r: Extract<RangeResult, { ok: false }>,
  rowsBefore: number,
  encoder: OutputEncoder,
): ExportError {
  const e = r.error;
  if (e.code === 'UNENCODABLE_CHARACTER' && e.details.row !== undefined) {
    return unencodableError(
      rowsBefore + e.details.row,
      e.details.column ?? '?',
      e.details.character ?? '?',
      encoder.encoding,
    );
  }
  return new ExportError(e.code, e.message, e.details, e.transient);
}

export async function parallelAttempt(
  ctx: JobContext,
  plan: RangePlan,
  projection: Projection,
  kinds: readonly ColumnKind[],
  output: OutputFile,
  progress: Progress,
  workerCount: number,
): Promise<number> {
  const ex = ctx.settings.export;
  const req = readRequest(ctx, projection);
  const config: RangeWorkerConfig = {
    source: plan.worker,
    select: projection.select,
    key: req.key,
    window: req.window,
    format: ex.output.format,
    names: projection.names,
    kinds,
    encoding: ex.output.encoding,
    onUnencodable: ex.output.onUnencodable,
    truncate: projection.truncate,
    keyIndex: projection.keyIndex,
    cursorIndex: projection.cursorIndex,
  };
  const started = Array.from({ length: workerCount }, () => new RangeWorker(config));
  let workers: RangeWorker[] = [];
  const cp = new Checkpointer(ctx, output, progress);
  try {
    // Workers that cannot open the source (PostgreSQL: the server's connection limit) are
    // done without; with none, the caller reads in its own thread.
    const failures = await Promise.all(started.map((w) => w.ready));
    workers = started.filter((_, i) => failures[i] === undefined);
    if (workers.length === 0) {
      const e = failures[0]!;
      if (!e.transient) throw e;
      ctx.logger.log('warn', `no range worker could open the source, reading in one thread: ${e.message}`, {
        job: ctx.job.id,
        code: e.code,
        error: e.message,
      });
      return 0;
    }
    // the header of a fresh file; the rows are formatted by the range workers
    startFormatter(ctx, projection, kinds, output);
    await writeRanges(ctx, plan, workers, req, output, progress, cp);
    await cp.drain();
    return workers.length;
  } catch (err) {
    // Keep what was written whole: a retry or --resume continues from here.
    await cp.save().catch(() => {});
    throw err;
  } finally {
    await Promise.all(started.map((w) => w.stop()));
    await plan.close();
  }
}

/** Plans ranges, hands them to the workers round-robin and writes their bytes in key order. */
async function writeRanges(
  ctx: JobContext,
  plan: RangePlan,
  workers: RangeWorker[],
  req: ReadRequest,
  output: OutputFile,
  progress: Progress,
  cp: Checkpointer,
): Promise<void> {
  const ex = ctx.settings.export;
  const workerCount = workers.length;
  const maxInFlight = Math.min(64, Math.max(2 * workerCount, Math.ceil(ex.queueCapacity / ex.chunkSize)));
  const inFlight = new Map<number, Promise<RangeResult>>();
  const max = ex.limits.maxRows;
  let after: SqlValue | undefined = req.afterKey;
  let planned = 0;
  let written = 0;
  let planDone = false;
  for (;;) {
    while (!planDone && inFlight.size < maxInFlight) {
      const upTo = await plan.nextBoundary(after, ex.chunkSize);
      if (upTo === undefined) {
        planDone = true;
        break;
      }
      const p = workers[planned % workerCount].run({ id: planned, after, upTo });
      p.catch(() => {}); // awaited in order below
      inFlight.set(planned, p);
      planned++;
      after = upTo;
    }
    const next = inFlight.get(written);
    if (!next) break;
    const r = await next;
    inFlight.delete(written);
    written++;
    if (!r.ok) throw toError(r, progress.rows, ctx.encoder);
    if (max !== undefined && progress.rows + r.stats.rows > max) throw rowLimitError(max);
    output.write(r.data);
    workers[(written - 1) % workerCount].recycle(r.data);
    progress.merge(r.stats);
    ctx.encoder.replaced += r.replaced;
    progress.replaced = ctx.encoder.replaced;
    await cp.maybe();
  }
}
