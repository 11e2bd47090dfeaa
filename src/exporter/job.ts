/**
 * One export job: source → transform → bounded queue → sink, with checkpoints, retries,
 * limits and a manifest. The library entry point of the exporter; the CLI and the service
 * call `runExport`.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigValues } from '../config/types.js';
import { removeCheckpointFile, resumeCheckpoint } from './checkpoint-file.js';
import { createEncoder } from './encoding.js';
import { ExportError, type ExportErrorCode, classifySourceError } from './errors.js';
import {
  type DiskUsageProbe,
  type RateLimitSlot,
  checkDiskBreaker,
  statfsUsage,
  takeRateLimitSlot,
} from './limits.js';
import { type Logger, silentLogger } from './log.js';
import { type ExportManifest, manifestPath, writeManifest } from './manifest.js';
import { type ProtectedPath, assertWritableTarget } from './output-target.js';
import { type JobContext, readRequest } from './job-context.js';
import { OutputFile } from './output-file.js';
import { type ExportPath, type ReaderRun, runReader } from './run-reader.js';
import { Progress } from './progress.js';
import { type StoredValue, storeValue } from './row.js';
import { type ExporterSettings, readExporterSettings } from './settings.js';
import { openSource } from './sources/index.js';
import type { Source } from './sources/source.js';
import { SqliteStateStore, defaultStatePath } from './state/sqlite-store.js';
import type { JobRecord, StateStore } from './state/store.js';
import { type Projection, buildProjection } from './transform.js';

export interface ExportProgress {
  job: string;
  rows: number;
  bytes: number;
  /** Rows the job will write in all, when known (for an ETA). */
  total?: number;
  elapsedMs: number;
}

export interface RunExportOptions {
  /** The environment's effective config values, `${VAR}` unresolved (SPEC §1.2 shape). */
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

/** Codes after which the partial file and checkpoint are kept for `--resume`. */
const RESUMABLE: ReadonlySet<ExportErrorCode> = new Set([
  'SOURCE_UNAVAILABLE',
  'SOURCE_QUERY_FAILED',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'DISK_BREAKER_OPEN',
  'TIMEOUT',
  'CANCELLED',
]);

/** A job id: a UTC timestamp and `random` random bytes in hex (the service uses more). */
export function newJobId(now: number, random = 3): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(random).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function plain(v: StoredValue | undefined): string | number | null {
  return v?.v ?? null;
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
  const checkTarget = (file: string) => {
    const rules = {
      projectRoot: opts.projectRoot,
      sourceFile: settings.database.file,
      stateFile: statePath,
      protectedPaths: opts.protectedPaths,
    };
    assertWritableTarget(file, rules);
    assertWritableTarget(manifestPath(file), rules);
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
        if (!e.transient || attempt > ex.retry.retries || controller.signal.aborted) throw e;
        const delay = Math.min(ex.retry.maxBackoffMs, ex.retry.initialBackoffMs * 2 ** (attempt - 1));
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
    if (job) await failJob(store, job, e, logger);
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

function toExportError(err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  return classifySourceError(err, 'query');
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
  if (signal.aborted) throw signal.reason;
}

async function withRetry<T>(
  settings: ExporterSettings,
  logger: Logger,
  job: string | undefined,
  signal: AbortSignal,
  f: () => Promise<T>,
): Promise<T> {
  const r = settings.export.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (err) {
      const e = toExportError(err);
      if (!e.transient || attempt > r.retries || signal.aborted) throw e;
      const delay = Math.min(r.maxBackoffMs, r.initialBackoffMs * 2 ** (attempt - 1));
      logger.log('warn', `source unavailable, retrying in ${delay}ms`, {
        job,
        code: e.code,
        error: e.message,
      });
      await sleep(delay, signal);
    }
  }
}

async function findJobToResume(
  store: StateStore,
  env: string,
  resume: string | true,
  settings: ExporterSettings,
): Promise<JobRecord> {
  const job = resume === true ? await store.newestResumableJob(env) : await store.getJob(resume);
  if (!job) {
    throw new ExportError(
      'CONFIG_INVALID',
      resume === true ? `no unfinished export job of ${env} to resume` : `no export job ${resume}`,
    );
  }
  if (job.env !== env)
    throw new ExportError('CONFIG_INVALID', `job ${job.id} belongs to environment ${job.env}`);
  if (job.status === 'succeeded') throw new ExportError('CONFIG_INVALID', `job ${job.id} already succeeded`);
  if (job.status === 'failed' && !job.resumable) {
    throw new ExportError(
      'CONFIG_INVALID',
      `job ${job.id} failed with ${job.errorCode} and cannot be resumed`,
    );
  }
  if (
    job.status === 'running' &&
    job.host === os.hostname() &&
    job.pid !== process.pid &&
    pidAlive(job.pid)
  ) {
    throw new ExportError('CONFIG_INVALID', `job ${job.id} is still running (pid ${job.pid})`);
  }
  job.checkpoint = resumeCheckpoint(job.tempFile, job.checkpoint);
  if (job.configDigest !== settings.configDigest) {
    throw new ExportError(
      'CONFIG_INVALID',
      `the config changed since job ${job.id} started; its output would not match: start a new export`,
    );
  }
  return job;
}

/** A new job's id and the file it writes (`--out`, or a name in `output.dir`). */
function targetOf(settings: ExporterSettings, opts: RunExportOptions, id: string) {
  const ex = settings.export;
  const ext = ex.output.format === 'csv' ? 'csv' : 'jsonl';
  const file = opts.out
    ? path.resolve(opts.out)
    : path.join(ex.output.dir, `${settings.name}-${opts.env}-${id}.${ext}`);
  return { id, file };
}

async function createJob(
  store: StateStore,
  settings: ExporterSettings,
  source: Source,
  opts: RunExportOptions,
  target: { id: string; file: string },
  user: string,
  now: number,
): Promise<JobRecord> {
  const ex = settings.export;
  const { id, file } = target;
  const tempFile = path.join(path.dirname(file), `.${path.basename(file)}.${id}.partial`);
  const inc = ex.source.incremental;
  const window: JobRecord['window'] = {};
  if (inc) {
    window.cursor = inc.column;
    window.highWaterScope = `${opts.env}:${createHash('sha256')
      .update(JSON.stringify([ex.source.table ?? null, ex.source.query ?? null, ex.source.key, inc.column]))
      .digest('hex')
      .slice(0, 16)}`;
    if (!opts.full) window.after = await store.getHighWaterMark(window.highWaterScope);
    if (inc.type === 'timestamp') window.upTo = storeValue(await source.clockMinus(inc.lagMs));
  }
  const job: JobRecord = {
    id,
    env: opts.env,
    user,
    status: 'running',
    file,
    tempFile,
    configDigest: settings.configDigest,
    window,
    checkpoint: { rows: 0, bytes: 0, replaced: 0 },
    createdAt: now,
    updatedAt: now,
    resumable: false,
    pid: process.pid,
    host: os.hostname(),
  };
  await store.createJob(job);
  return job;
}

async function finish(
  ctx: JobContext,
  output: OutputFile,
  progress: Progress,
  projection: Projection,
  used: ReaderRun,
  resumed: boolean,
): Promise<ExportResult> {
  const { job, settings, store } = ctx;
  const ex = settings.export;
  const sha256 = output.digest();
  const bytes = output.bytes;
  output.commit(job.file);
  removeCheckpointFile(job.tempFile);
  const final = progress.checkpoint(bytes);
  const manifest: ExportManifest = {
    version: 1,
    job: job.id,
    env: job.env,
    file: path.basename(job.file),
    format: ex.output.format,
    encoding: ex.output.encoding,
    columns: projection.names,
    rows: final.rows,
    bytes,
    sha256,
    replaced: final.replaced,
    key: { column: ex.source.key, first: plain(final.firstKey), last: plain(final.lastKey) },
    cursor: job.window.cursor
      ? { column: job.window.cursor, min: plain(final.minCursor), max: plain(final.maxCursor) }
      : null,
    configDigest: settings.configDigest,
    startedAt: new Date(job.createdAt).toISOString(),
    finishedAt: new Date().toISOString(),
  };
  const manifestFile = writeManifest(job.file, manifest);
  await store.saveCheckpoint(job.id, final);
  await store.updateJob(job.id, { status: 'succeeded', finishedAt: Date.now(), resumable: false });
  if (job.window.highWaterScope && final.highWater)
    await store.setHighWaterMark(job.window.highWaterScope, final.highWater);
  const durationMs = Date.now() - ctx.startedAt;
  ctx.logger.log('info', 'export finished', {
    job: job.id,
    rows: final.rows,
    bytes,
    duration_ms: durationMs,
    reader: used.path,
    readers: used.readers,
  });
  return {
    job: job.id,
    file: job.file,
    manifest: manifestFile,
    rows: final.rows,
    bytes,
    sha256,
    encoding: ex.output.encoding,
    replaced: final.replaced,
    duration_ms: durationMs,
    resumed,
    path: used.path,
    readers: used.readers,
    incremental: job.window.cursor
      ? {
          column: job.window.cursor,
          after: job.window.after
            ? { cursor: plain(job.window.after.cursor)!, key: plain(job.window.after.key)! }
            : null,
          full: ctx.opts.full === true,
        }
      : undefined,
  };
}

async function failJob(store: StateStore, job: JobRecord, e: ExportError, logger: Logger): Promise<void> {
  const resumable = RESUMABLE.has(e.code);
  if (!resumable) {
    fs.rmSync(job.tempFile, { force: true });
    removeCheckpointFile(job.tempFile);
  }
  await store
    .updateJob(job.id, {
      status: 'failed',
      errorCode: e.code,
      errorMessage: e.message,
      resumable,
      finishedAt: Date.now(),
    })
    .catch(() => {});
  logger.log('error', e.message, {
    job: job.id,
    code: e.code,
    error: e.message,
    resumable,
    ...(resumable ? { resume: `--resume ${job.id}` } : {}),
  });
}
