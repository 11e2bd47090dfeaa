/** What the stages of a running job share, and the checkpointing they all use. */
import * as path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { writeCheckpointFile } from './checkpoint-file.js';
import type { OutputEncoder } from './encoding.js';
import { ExportError } from './errors.js';
import { createFormatter, type RowFormatter } from './format.js';
import type { RunExportOptions } from './job.js';
import { type DiskUsageProbe, checkDiskBreaker } from './limits.js';
import type { Logger } from './log.js';
import type { OutputFile } from './output-file.js';
import type { Progress } from './progress.js';
import type { ExporterSettings } from './settings.js';
import type { Checkpoint, JobRecord, StateStore } from './state/store.js';
import { loadValue } from './row.js';
import type { ReadRequest } from './sources/source.js';
import type { Projection } from './transform.js';

export interface JobContext {
  settings: ExporterSettings;
  job: JobRecord;
  store: StateStore;
  logger: Logger;
  encoder: OutputEncoder;
  diskUsage: DiskUsageProbe;
  signal: AbortSignal;
  opts: RunExportOptions;
  /** When the job started, by `now`. */
  startedAt: number;
  /** The job's clock (`RunExportOptions.now`): what the job reports as times and durations. */
  now: () => number;
  total?: number;
}

const CHECKPOINT_BYTES = 4 << 20;

/** Records a durable checkpoint: data first, then the record that points into it. */
export class Checkpointer {
  #last: number;
  #lastBytes: number;
  #lastProgress = 0;
  readonly #interval: number;
  #inFlight: Promise<void> | undefined;
  #failed: unknown;

  constructor(
    readonly ctx: JobContext,
    readonly output: OutputFile,
    readonly progress: Progress,
  ) {
    this.#last = Date.now();
    this.#lastBytes = output.bytes;
    this.#interval = ctx.opts.checkpointIntervalMs ?? 1000;
  }

  async maybe(): Promise<void> {
    const t = Date.now();
    if (t - this.#lastProgress >= (this.ctx.opts.progressIntervalMs ?? 200)) {
      this.#lastProgress = t;
      this.ctx.opts.onProgress?.({
        job: this.ctx.job.id,
        rows: this.progress.rows,
        bytes: this.output.bytes,
        total: this.ctx.total,
        elapsedMs: this.ctx.now() - this.ctx.startedAt,
      });
      // Let timers (timeout, progress) and signals run: SQLite reads are synchronous.
      await yieldToLoop();
    }
    if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
    if (this.#failed !== undefined) throw this.#failed;
    // Bounded re-work after a crash: at least every second and every 4 MiB. The fsync runs
    // in the background while rows keep flowing; one checkpoint at a time.
    const due = t - this.#last >= this.#interval || this.output.bytes - this.#lastBytes >= CHECKPOINT_BYTES;
    if (due && this.#inFlight === undefined) {
      this.#last = t;
      this.#lastBytes = this.output.bytes;
      const cp = this.progress.checkpoint(this.output.bytes);
      const temp = this.ctx.job.tempFile;
      this.#inFlight = this.output
        .syncAsync()
        .then(() => writeCheckpointFile(temp, cp))
        .then(() => this.#recorded(cp))
        .catch((err: unknown) => {
          this.#failed = err;
        })
        .finally(() => {
          this.#inFlight = undefined;
        });
    }
  }

  /** Waits for a background checkpoint; rethrows its failure. */
  async drain(): Promise<void> {
    await this.#inFlight;
    if (this.#failed !== undefined) throw this.#failed;
  }

  /** A checkpoint of everything written so far, now (error paths: keep what is whole). */
  async save(): Promise<void> {
    await this.#inFlight;
    this.#last = Date.now();
    this.#lastBytes = this.output.bytes;
    const cp = this.progress.checkpoint(this.output.bytes);
    await this.output.syncAsync();
    await writeCheckpointFile(this.ctx.job.tempFile, cp);
    await this.ctx.store.saveCheckpoint(this.ctx.job.id, cp);
    this.#recorded(cp);
  }

  #recorded(cp: Checkpoint): void {
    this.ctx.job.checkpoint = cp;
    const ex = this.ctx.settings.export;
    checkDiskBreaker(this.ctx.diskUsage, path.dirname(this.ctx.job.file), ex.limits.diskUsageBreaker);
  }
}

export function rowLimitError(max: number): ExportError {
  return new ExportError(
    'ROW_LIMIT_EXCEEDED',
    `the export has more than export.limits.max_rows (${max}) rows`,
    {
      limit: max,
    },
  );
}

export function readRequest(ctx: JobContext, projection: Projection): ReadRequest {
  const w = ctx.job.window;
  const lastKey = ctx.job.checkpoint.lastKey;
  return {
    select: projection.select,
    key: ctx.settings.export.source.key,
    window: {
      cursor: w.cursor,
      after: w.after && { cursor: loadValue(w.after.cursor), key: loadValue(w.after.key) },
      upTo: w.upTo && loadValue(w.upTo),
    },
    afterKey: lastKey && loadValue(lastKey),
    chunkSize: ctx.settings.export.chunkSize,
    signal: ctx.signal,
  };
}

/** The job's row formatter; a fresh output (nothing written yet) gets the header first. */
export function startFormatter(
  ctx: JobContext,
  projection: Projection,
  kinds: Parameters<typeof createFormatter>[2],
  output: OutputFile,
): RowFormatter {
  const ex = ctx.settings.export;
  const formatter = createFormatter(ex.output.format, projection.names, kinds, {
    header: ex.output.header,
    encoder: ctx.encoder,
  });
  if (output.bytes === 0) {
    const header = formatter.header();
    if (header) output.write(ctx.encoder.encode(header));
  }
  return formatter;
}
