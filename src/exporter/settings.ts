/**
 * The exporter's view of an effective config: the `metadata`, `database` and `export`
 * sections (docs/reference.md#export-config) as typed settings, with `${VAR}` resolved and
 * units parsed. The schema has already validated the shapes; this still checks what it
 * reads, so the library API can be called with any plain object and fails with CONFIG_INVALID.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../config/canonical-json.js';
import { databaseUrlProblem } from '../config/database-url.js';
import * as path from 'node:path';
import { MAX_DURATION_MS, parseDuration, parsePercent } from '../config/units.js';
import { MissingVariableError, resolveVariables } from '../config/variables.js';
import { ExportError } from './errors.js';

/** Connections an instance opens when `database.pool.max_connections` is not set. */
const DEFAULT_POOL_MAX_CONNECTIONS = 10;
/** PostgreSQL's own ceiling on connections (the schema's bound on pool sizes). */
const MAX_CONNECTIONS = 262_143;
/** `chunk_size` and `queue.capacity`: rows held in memory at once (the schema's bound). */
const MAX_ROWS_IN_MEMORY = 1_000_000;

export type DatabaseDriver = 'postgres' | 'sqlite';
export type OutputFormat = 'csv' | 'jsonl';
export type OutputEncoding = 'utf-8' | 'gbk' | 'gb18030';

export interface DatabaseSettings {
  driver: DatabaseDriver;
  /** Resolved URL. For sqlite: the absolute database file path (from `sqlite:PATH`). Secret. */
  url: string;
  /** Absolute file path for sqlite; undefined for postgres. */
  file?: string;
  statementTimeoutMs?: number;
  acquireTimeoutMs: number;
  /**
   * Connections one job may open: its share of `database.pool.max_connections` among the
   * `export.workers` jobs an instance runs at once (at least 1).
   */
  connectionsPerJob: number;
}

export interface ColumnSetting {
  /** Output column name. */
  name: string;
  /** Source column (defaults to `name`). */
  from: string;
  /** Truncation in characters (Unicode code points). */
  maxLength?: number;
}

export interface IncrementalSettings {
  column: string;
  type: 'timestamp' | 'integer';
  /** How far behind the database clock a run stops, so late commits are not skipped. */
  lagMs: number;
}

export interface SourceSettings {
  table?: string;
  query?: string;
  key: string;
  incremental?: IncrementalSettings;
}

export interface OutputSettings {
  format: OutputFormat;
  /** Absolute directory. */
  dir: string;
  encoding: OutputEncoding;
  onUnencodable: 'replace' | 'fail';
  header: boolean;
}

export interface LimitSettings {
  maxRows?: number;
  perUserPerHour?: number;
  /** 0..1 */
  diskUsageBreaker?: number;
}

export interface RetrySettings {
  /** Retries after the first try (`export.retry.attempts`). */
  retries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface ExportSettings {
  source: SourceSettings;
  /** Undefined: every column of the source, in its order. */
  columns?: ColumnSetting[];
  chunkSize: number;
  queueCapacity: number;
  output: OutputSettings;
  limits: LimitSettings;
  retry: RetrySettings;
  timeoutMs?: number;
}

export interface ExporterSettings {
  name: string;
  database: DatabaseSettings;
  export: ExportSettings;
  /** sha256 of the sections that shape the output (unresolved, so no secret goes in). */
  configDigest: string;
}

/** The default safety lag of incremental timestamp cursors. */
export const DEFAULT_INCREMENTAL_LAG_MS = 5000;

type Obj = Record<string, unknown>;

/**
 * Settings that bound how a job runs, not which bytes it writes: a job resumes after
 * `export.timeout`, a limit or a pool size was raised (the way out of a TIMEOUT).
 */
const RUN_ONLY = {
  database: ['pool', 'statement_timeout', 'server_max_connections'],
  export: ['timeout', 'retry', 'limits', 'queue', 'workers'],
} as const;

/** The config digest's input: metadata, database and export, less what only bounds a run. */
function outputShapingValues(values: Obj): Obj {
  const without = (v: unknown, keys: readonly string[]) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v ?? null;
    const out: Obj = { ...(v as Obj) };
    for (const k of keys) delete out[k];
    return out;
  };
  return {
    metadata: values.metadata ?? null,
    database: without(values.database, RUN_ONLY.database),
    export: without(values.export, RUN_ONLY.export),
  };
}

function invalid(p: string, message: string): ExportError {
  return new ExportError('CONFIG_INVALID', `${p}: ${message}`, { path: p });
}

function section(values: Obj, p: string, required: boolean): Obj {
  const parts = p.split('.');
  let cur: unknown = values;
  for (const part of parts) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Obj)[part] : undefined;
  }
  if (cur === undefined || cur === null) {
    if (required) throw invalid(p, 'is required');
    return {};
  }
  if (typeof cur !== 'object' || Array.isArray(cur)) throw invalid(p, 'must be a map');
  return cur as Obj;
}

function str(o: Obj, key: string, p: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw invalid(`${p}.${key}`, 'is required');
  }
  if (typeof v !== 'string' || v === '') throw invalid(`${p}.${key}`, 'must be a non-empty string');
  return v;
}

function optInt(
  o: Obj,
  key: string,
  p: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`${p}.${key}`, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

function optDuration(o: Obj, key: string, p: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) throw invalid(`${p}.${key}`, 'must be a duration with a unit, like 30s or 250ms');
  if (ms > MAX_DURATION_MS) {
    throw invalid(`${p}.${key}`, `${v} is longer than the runtime can wait (${MAX_DURATION_MS} ms)`);
  }
  return ms;
}

function oneOf<T extends string>(o: Obj, key: string, p: string, allowed: readonly T[], fallback: T): T {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalid(`${p}.${key}`, `must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

/** Where a `sqlite:` URL points, relative to the project root. */
export function sqliteFileFromUrl(url: string, projectRoot: string): string {
  let p = url.replace(/^sqlite:(\/\/)?/, '');
  if (url.startsWith('file:')) p = url.slice(5);
  return path.resolve(projectRoot, p);
}

/**
 * Converts an environment's effective config values (variables unresolved) into typed
 * settings. Throws ExportError CONFIG_INVALID.
 */
export function readExporterSettings(
  values: Obj,
  opts: { projectRoot: string; env?: NodeJS.ProcessEnv },
): ExporterSettings {
  const configDigest = createHash('sha256')
    .update(canonicalJson(outputShapingValues(values)))
    .digest('hex');
  let resolved: Obj;
  try {
    resolved = resolveVariables(values, opts.env ?? process.env);
  } catch (err) {
    if (err instanceof MissingVariableError) throw invalid(err.path, err.message);
    throw err;
  }
  const metadata = section(resolved, 'metadata', true);
  const db = section(resolved, 'database', true);
  const ex = section(resolved, 'export', true);

  const driver = oneOf(db, 'driver', 'database', ['postgres', 'sqlite'] as const, 'postgres');
  const url = str(db, 'url', 'database');
  const pool = section(resolved, 'database.pool', false);
  const database: DatabaseSettings = {
    driver,
    url,
    statementTimeoutMs: optDuration(db, 'statement_timeout', 'database'),
    acquireTimeoutMs: optDuration(pool, 'acquire_timeout', 'database.pool') ?? 10_000,
    connectionsPerJob: Math.max(
      1,
      Math.floor(
        (optInt(pool, 'max_connections', 'database.pool', 1, MAX_CONNECTIONS) ??
          DEFAULT_POOL_MAX_CONNECTIONS) / (optInt(ex, 'workers', 'export', 1, 1024) ?? 1),
      ),
    ),
  };
  // A URL the driver cannot use is a config error, not a failed query.
  const urlProblem = databaseUrlProblem(driver, url);
  if (urlProblem) throw invalid('database.url', urlProblem);
  if (driver === 'sqlite') database.file = sqliteFileFromUrl(url, opts.projectRoot);

  const src = section(resolved, 'export.source', true);
  const table =
    src.table === undefined || src.table === null ? undefined : str(src, 'table', 'export.source');
  const query =
    src.query === undefined || src.query === null ? undefined : str(src, 'query', 'export.source');
  if ((table === undefined) === (query === undefined)) {
    throw invalid('export.source', 'needs exactly one of table or query');
  }
  const key = str(src, 'key', 'export.source');
  let incremental: IncrementalSettings | undefined;
  if (src.incremental !== undefined && src.incremental !== null) {
    const inc = section(resolved, 'export.source.incremental', true);
    const type = oneOf(
      inc,
      'type',
      'export.source.incremental',
      ['timestamp', 'integer'] as const,
      'timestamp',
    );
    incremental = {
      column: str(inc, 'column', 'export.source.incremental'),
      type,
      lagMs:
        optDuration(inc, 'lag', 'export.source.incremental') ??
        (type === 'timestamp' ? DEFAULT_INCREMENTAL_LAG_MS : 0),
    };
  }

  let columns: ColumnSetting[] | undefined;
  if (ex.columns !== undefined && ex.columns !== null) {
    if (!Array.isArray(ex.columns) || ex.columns.length === 0) {
      throw invalid('export.columns', 'must be a non-empty list');
    }
    const seen = new Set<string>();
    columns = ex.columns.map((c: unknown, i: number) => {
      const p = `export.columns[${i}]`;
      if (c === null || typeof c !== 'object') throw invalid(p, 'must be a map');
      const o = c as Obj;
      const name = str(o, 'name', p);
      if (seen.has(name)) throw invalid(`${p}.name`, `duplicate column ${name}`);
      seen.add(name);
      return { name, from: str(o, 'from', p, name), maxLength: optInt(o, 'max_length', p, 0) };
    });
  }

  const output = section(resolved, 'export.output', false);
  const encoding = oneOf(output, 'encoding', 'export.output', ['utf-8', 'gbk', 'gb18030'] as const, 'utf-8');
  const limits = section(resolved, 'export.limits', false);
  let breaker: number | undefined;
  if (limits.disk_usage_breaker !== undefined && limits.disk_usage_breaker !== null) {
    const percent =
      typeof limits.disk_usage_breaker === 'string' ? parsePercent(limits.disk_usage_breaker) : undefined;
    if (percent === undefined)
      throw invalid('export.limits.disk_usage_breaker', 'must be a percentage like 85%');
    breaker = percent / 100;
  }
  const retry = section(resolved, 'export.retry', false);
  const exportSettings: ExportSettings = {
    source: { table, query, key, incremental },
    columns,
    chunkSize: optInt(ex, 'chunk_size', 'export', 1, MAX_ROWS_IN_MEMORY) ?? 2000,
    queueCapacity:
      optInt(section(resolved, 'export.queue', false), 'capacity', 'export.queue', 1, MAX_ROWS_IN_MEMORY) ??
      1000,
    output: {
      format: oneOf(output, 'format', 'export.output', ['csv', 'jsonl'] as const, 'csv'),
      dir: path.resolve(opts.projectRoot, typeof output.dir === 'string' ? output.dir : './exports'),
      encoding,
      onUnencodable: oneOf(output, 'on_unencodable', 'export.output', ['replace', 'fail'] as const, 'fail'),
      header: output.header === undefined || output.header === null ? true : output.header === true,
    },
    limits: {
      maxRows: optInt(limits, 'max_rows', 'export.limits', 0),
      perUserPerHour: optInt(limits, 'per_user_per_hour', 'export.limits', 0),
      diskUsageBreaker: breaker,
    },
    retry: {
      retries: optInt(retry, 'attempts', 'export.retry', 0, 100) ?? 3,
      initialBackoffMs: optDuration(retry, 'initial_backoff', 'export.retry') ?? 1000,
      maxBackoffMs: optDuration(retry, 'max_backoff', 'export.retry') ?? 30_000,
    },
    timeoutMs: optDuration(ex, 'timeout', 'export'),
  };
  return { name: str(metadata, 'name', 'metadata'), database, export: exportSettings, configDigest };
}
