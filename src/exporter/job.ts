/**
 * One export job: source → transform → bounded queue → sink, with checkpoints, retries,
 * limits and a manifest. The library entry point of the exporter; the CLI and the service
 * call `runExport`. Starting a job (`job-create`), resuming one (`job-resume`), retrying
 * (`retry`), finishing (`job-finish`) and failing (`job-failure`) live in their own modules.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigValues } from '../config/types.js';
import { createEncoder } from './encoding.js';
import { ExportError } from './errors.js';
import {
  type DiskUsageProbe,
  type RateLimitSlot,
  checkDiskBreaker,
  statfsUsage,
  takeRateLimitSlot,
} from './limits.js';
import { type Logger, silentLogger } from './log.js';
import { manifestPath } from './manifest.js';
import { type ProtectedPath, writableTargetGuard } from './output-target.js';
import { type JobContext, readRequest } from './job-context.js';
import { createJob, targetOf } from './job-create.js';
import { failJob, toExportError } from './job-failure.js';
import { finish } from './job-finish.js';
import { newJobId } from './job-id.js';
import { findJobToResume } from './job-resume.js';
import { OutputFile } from './output-file.js';
import { buildProjection } from './transform.js';
import { backoffDelay, shouldRetry, sleep, withRetry } from './retry.js';
import { type ExportPath, type ReaderRun, runReader } from './run-reader.js';
import { Progress } from './progress.js';
import { type ExporterSettings, readExporterSettings } from './settings.js';
import { openSource } from './sources/index.js';
import type { Source } from './sources/source.js';
import { SqliteStateStore, defaultStatePath } from './state/sqlite-store.js';
import type { JobRecord, StateStore } from './state/store.js';

export interface ExportProgress {
  job: string;
  rows: number;
  bytes: number;
  /** Rows the job will write in all, when known (for an ETA). */
  total?: number;
  elapsedMs: number;
}

export interface RunExportOptions {
  /** The environment's effective config values, `${VAR}` unresolved (docs/reference.md#export-config). */
  values: ConfigValues;
  /** The settings already read from `values` (the service reads them once per config). */
  settings?: ExporterSettings;
  /** Absolute project directory: relative paths (sqlite url, output.dir) resolve from it. */
  projectRoot: string;
  env: string;
  /** Who asks (rate limit subject). Defaults to the OS user. */
  user?: string;
  /** Output file; default `<output.dir>/<metadata.name>-<env>-<job>.<csv|jsonl>`. */
  out?: string;
  /**
   * Project files no export may write (config, policies, manifest: `projectProtectedPaths`).
   * The state directory, the manifest at `projectRoot` and the source database are always.
   */
  protectedPaths?: readonly ProtectedPath[];
  /** Resume a job: its id, or `true` for the newest unfinished job of `env`. */
  resume?: string | true;
  /** Ignore the incremental high-water mark (the mark still advances on success). */
  full?: boolean;
  signal?: AbortSignal;
  /** State store; default a SQLite file at `statePath` (default `<project>/.exportctl/state.db`). */
  store?: StateStore;
  statePath?: string;
  /** How the disk breaker measures the output filesystem (default statfs, like df). */
  diskUsage?: DiskUsageProbe;
  logger?: Logger;
  onProgress?: (p: ExportProgress) => void;
  /** Count the rows first so progress has a total (the CLI does on a TTY). */
  countRows?: boolean;
  /** How often data is fsynced and the checkpoint recorded (default 1000ms). */
  checkpointIntervalMs?: number;
  /** How often `onProgress` is called (default 200ms). */
  progressIntervalMs?: number;
  /** Variables for `${VAR}` (default process.env). */
  processEnv?: NodeJS.ProcessEnv;
  /** Id of a new job (default: a timestamp and random suffix). The service passes its request id. */
  jobId?: string;
  /** Take a per-user rate-limit slot for a new job (default true; the service takes it when the request arrives). */
  rateLimit?: boolean;
  /** Let PostgreSQL exports stream COPY when no row needs JS (default true). */
  allowCopy?: boolean;
  /**
   * Parallel readers. Worker threads that read and render key ranges (SQLite; PostgreSQL
   * when rows need JS); 0 reads rows in the job's thread. Unset: SQLite builds each slice's
   * text in SQL in the job's thread when no cursor is tracked; otherwise workers when the
   * compiled worker is available, for PostgreSQL one per CPU, at most 2, for SQLite 2 with
   * 3 or more CPUs, else none. PostgreSQL COPY: connections that copy key ranges;
   * 0 streams one COPY; default 2. PostgreSQL readers share one snapshot and stay within
   * the job's share of `database.pool.max_connections`.
   */
  workers?: number;
  /** Bytes a parallel COPY range aims at (default 4 MiB; ranges in flight are buffered). */
  copyRangeBytes?: number;
  /** The job's clock (default Date.now): job ids, rate limits, records, manifest, duration, progress. */
  now?: () => number;
}

export interface ExportResult {
  job: string;
  file: string;
  manifest: string;
  rows: number;
  bytes: number;
  sha256: string;
  encoding: string;
  replaced: number;
  duration_ms: number;
  resumed: boolean;
  /** Which reader ran. */
  path: ExportPath;
  /** How many read at once: worker threads or COPY connections (1 for one stream). */
  readers: number;
  /**
   * An incremental source: the cursor column and the high-water mark the run started after
   * (`null`: no mark yet, or `--full`, so every row up to `upTo` was read).
   */
  incremental?: {
    column: string;
    after: { cursor: string | number; key: string | number } | null;
    full: boolean;
  };
}

/** Runs one export job to completion. Throws ExportError (with `code`) on failure. */
export async function runExport(opts: RunExportOptions): Promise<ExportResult> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const logger = opts.logger ?? silentLogger;
  const settings =
    opts.settings ??
    readExporterSettings(opts.values, { projectRoot: opts.projectRoot, env: opts.processEnv });
  const ex = settings.export;
  const encoder = createEncoder(ex.output.encoding, ex.output.onUnencodable);
  const diskUsage = opts.diskUsage ?? statfsUsage;
  const user = opts.user ?? os.userInfo().username;
  const statePath = opts.statePath ?? defaultStatePath(opts.projectRoot);
  let guard: ((file: string) => void) | undefined;
  const checkTarget = (file: string) => {
    guard ??= writableTargetGuard({
      projectRoot: opts.projectRoot,
      sourceFile: settings.database.file,
      stateFile: statePath,
      protectedPaths: opts.protectedPaths,
    });
    guard(file);
    guard(manifestPath(file));
  };
  // A refused target fails before anything is opened or written (the state store included).
  const target =
    opts.resume === undefined ? targetOf(settings, opts, opts.jobId ?? newJobId(now())) : undefined;
  if (target) {
    try {
      checkTarget(target.file);
    } catch (err) {
      if (err instanceof ExportError)
        logger.log('error', err.message, { code: err.code, error: err.message });
      throw err;
    }
  }
  const ownStore = opts.store === undefined;
  const store = opts.store ?? new SqliteStateStore(statePath);

  // One signal for cancellation (caller) and the job's time budget.
  const controller = new AbortController();
  const onAbort = () =>
    controller.abort(new ExportError('CANCELLED', 'the export was cancelled', { resumable: true }));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (ex.timeoutMs !== undefined) {
    timer = setTimeout(
      () =>
        controller.abort(
          new ExportError('TIMEOUT', `the export exceeded export.timeout (${ex.timeoutMs}ms)`, {
            resumable: true,
          }),
        ),
      ex.timeoutMs,
    );
  }

  let job: JobRecord | undefined;
  let source: Source | undefined;
  let slot: RateLimitSlot | undefined;
  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    const resumed = opts.resume !== undefined;
    if (resumed) {
      job = await findJobToResume(store, opts.env, opts.resume as string | true, settings);
      checkTarget(job.file);
      checkDiskBreaker(diskUsage, path.dirname(job.file), ex.limits.diskUsageBreaker);
      await store.updateJob(job.id, {
        status: 'running',
        pid: process.pid,
        host: os.hostname(),
        resumable: false,
      });
      logger.log('info', `resuming job at row ${job.checkpoint.rows}`, {
        job: job.id,
        rows: job.checkpoint.rows,
      });
    } else {
      checkDiskBreaker(diskUsage, path.dirname(target!.file), ex.limits.diskUsageBreaker);
      if (opts.rateLimit !== false)
        slot = await takeRateLimitSlot(store, opts.env, user, ex.limits.perUserPerHour, now());
    }
    source = await withRetry(settings, logger, job?.id, controller.signal, () => openSource(settings));
    const columns = await source.columns();
    const inc = ex.source.incremental;
    const projection = buildProjection(columns, ex.columns, ex.source.key, inc?.column);
    if (!job) {
      job = await createJob(store, settings, source, opts, target!, user, now());
      logger.log('info', 'export started', { job: job.id, file: job.file, env: opts.env });
    }
    const ctx: JobContext = {
      settings,
      job,
      store,
      logger,
      encoder,
      diskUsage,
      signal: controller.signal,
      opts,
      startedAt,
      now,
    };
    const kinds = await source.kinds(projection.select);
    if (opts.countRows) ctx.total = job.checkpoint.rows + (await source.count(readRequest(ctx, projection)));

    let used: ReaderRun = { path: 'rows', readers: 1 };
    let output: OutputFile | undefined;
    let progress: Progress | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!source) source = await openSource(settings);
        output = OutputFile.open(job.tempFile, job.checkpoint.bytes);
        progress = new Progress(job.checkpoint);
        encoder.replaced = job.checkpoint.replaced;
        used = await runReader(ctx, source, projection, kinds, output, progress);
        // Sources end quietly when aborted: an aborted job never counts as complete.
        if (controller.signal.aborted) throw controller.signal.reason;
        break;
      } catch (err) {
        output?.close();
        output = undefined;
        const e = controller.signal.aborted ? (controller.signal.reason as ExportError) : toExportError(err);
        if (!shouldRetry(e, ex.retry, attempt, controller.signal)) throw e;
        const delay = backoffDelay(ex.retry, attempt);
        logger.log('warn', `transient source error, retrying from row ${job.checkpoint.rows} in ${delay}ms`, {
          job: job.id,
          code: e.code,
          error: e.message,
          attempt,
        });
        await source?.close().catch(() => {});
        source = undefined;
        await sleep(delay, controller.signal);
      }
    }
    return await finish(ctx, output!, progress!, projection, used, resumed);
  } catch (err) {
    const e =
      controller.signal.aborted && !(err instanceof ExportError && err.code === 'ROW_LIMIT_EXCEEDED')
        ? (controller.signal.reason as ExportError)
        : toExportError(err);
    if (job) await failJob(store, job, e, logger, now());
    else {
      // Refused before a job existed (source unreachable, a column missing): not a request
      // that counts against the user's hourly limit.
      await slot?.release().catch(() => {});
      logger.log('error', e.message, { code: e.code, error: e.message });
    }
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    await source?.close().catch(() => {});
    if (ownStore) await store.close();
  }
}
