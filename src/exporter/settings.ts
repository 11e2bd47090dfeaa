/**
 * The exporter's view of an effective config: the `metadata`, `database` and `export`
 * sections (docs/reference.md#export-config) as typed settings, with `${VAR}` resolved and units parsed. Their shape, bounds
 * and defaults are the schema's (`readExportConfig`, the same check `check` runs), so the
 * library API can be called with any plain object and fails with CONFIG_INVALID and the
 * schema's finding. What the schema cannot say is checked here, each by name: a variable
 * that is not set, a database URL its driver cannot use once resolved, two output columns
 * with one name.
 */
import * as path from 'node:path';
import { databaseUrlProblem } from '../config/database-url.js';
import { outputShapingDigest } from '../config/digest.js';
import { formatPath } from '../config/path.js';
import { parsePercent, schemaDuration } from '../config/units.js';
import { MissingVariableError, resolveVariables } from '../config/variables.js';
import { type ExportConfig, readExportConfig } from '../schema/read-config.js';
import type { SchemaProblem } from '../schema/validate.js';
import { ExportError, configInvalid } from './errors.js';

export type DatabaseDriver = ExportConfig['database']['driver'];
export type OutputFormat = ExportConfig['export']['output']['format'];
export type OutputEncoding = ExportConfig['export']['output']['encoding'];

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
  type: NonNullable<ExportConfig['export']['source']['incremental']>['type'];
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
  onUnencodable: ExportConfig['export']['output']['on_unencodable'];
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
  /**
   * `outputShapingDigest` (config/digest.ts): what shapes the output bytes, unresolved. The
   * job record and the manifest carry it under this name; a job resumes only under the same one.
   */
  configDigest: string;
}

/**
 * The safety lag of an incremental cursor without `lag`: a timestamp cursor stays 5 s behind
 * the database clock, an integer cursor not at all (the default depends on `type`, which a
 * JSON Schema `default` cannot say).
 */
export const DEFAULT_INCREMENTAL_LAG_MS = 5000;

/** The sections the exporter reads (a library caller may leave out the others). */
const EXPORTER_SECTIONS = ['metadata', 'database', 'export'] as const;
export type ExporterConfig = Pick<ExportConfig, (typeof EXPORTER_SECTIONS)[number]>;

/** A duration the schema accepted (its pattern and `maxDuration`), in milliseconds. */
function ms(text: string): number;
function ms(text: string | undefined): number | undefined;
function ms(text: string | undefined): number | undefined {
  return text === undefined ? undefined : schemaDuration(text);
}

/** A percentage the schema accepted (its pattern), as a number from 0 to 100. */
function percent(text: string): number {
  const v = parsePercent(text);
  if (v === undefined)
    throw new Error(`internal: the schema accepted a percentage the parser cannot read: ${text}`);
  return v;
}

/** Where a `sqlite:` URL points, relative to the project root. */
export function sqliteFileFromUrl(url: string, projectRoot: string): string {
  let p = url.replace(/^sqlite:(\/\/)?/, '');
  if (url.startsWith('file:')) p = url.slice(5);
  return path.resolve(projectRoot, p);
}

/** The schema's check of the exporter's sections, with its defaults applied; CONFIG_INVALID with its first finding. */
function validatedSections(values: Record<string, unknown>): ExporterConfig {
  const read = readExportConfig(values, EXPORTER_SECTIONS);
  if (read.ok) return read.config;
  throw schemaRefusal(read.problems);
}

/** CONFIG_INVALID with the schema's first finding (the exporter's and the service's settings). */
export function schemaRefusal(problems: readonly SchemaProblem[]): ExportError {
  const [first, ...more] = problems;
  const also = more.length > 0 ? ` (and ${more.length} more; \`exportctl check\` lists them)` : '';
  return new ExportError('CONFIG_INVALID', `${first.message}${also}`, { path: formatPath(first.path) });
}

/**
 * Converts an environment's effective config values (variables unresolved) into typed
 * settings. Throws ExportError CONFIG_INVALID.
 */
export function readExporterSettings(
  values: Record<string, unknown>,
  opts: { projectRoot: string; env?: NodeJS.ProcessEnv },
): ExporterSettings {
  return exporterSettingsOf(validatedSections(values), values, opts);
}

/**
 * The settings of a config the schema already validated (`checkEnvironment`'s `config`,
 * defaults applied); `values` are the same config as written, for the digest. Throws
 * ExportError CONFIG_INVALID for what only the resolved values can show.
 */
export function exporterSettingsOf(
  config: ExporterConfig,
  values: Record<string, unknown>,
  opts: { projectRoot: string; env?: NodeJS.ProcessEnv },
): ExporterSettings {
  const configDigest = outputShapingDigest(values);
  let resolved: ExporterConfig;
  try {
    resolved = resolveVariables(config, opts.env ?? process.env);
  } catch (err) {
    if (err instanceof MissingVariableError) throw configInvalid(err.path, err.message);
    throw err;
  }
  const { metadata, database: db, export: ex } = resolved;

  const database: DatabaseSettings = {
    driver: db.driver,
    url: db.url,
    statementTimeoutMs: ms(db.statement_timeout),
    acquireTimeoutMs: ms(db.pool.acquire_timeout),
    connectionsPerJob: Math.max(1, Math.floor(db.pool.max_connections / ex.workers)),
  };
  // A URL the driver cannot use is a config error, not a failed query: only known once resolved.
  const urlProblem = databaseUrlProblem(db.driver, db.url);
  if (urlProblem) throw configInvalid('database.url', urlProblem);
  if (db.driver === 'sqlite') database.file = sqliteFileFromUrl(db.url, opts.projectRoot);

  const src = ex.source;
  const incremental: IncrementalSettings | undefined = src.incremental && {
    column: src.incremental.column,
    type: src.incremental.type,
    lagMs: ms(src.incremental.lag) ?? (src.incremental.type === 'timestamp' ? DEFAULT_INCREMENTAL_LAG_MS : 0),
  };

  const columns = ex.columns && outputColumns(ex.columns);
  const breaker = ex.limits.disk_usage_breaker;
  const exportSettings: ExportSettings = {
    source: { table: src.table, query: src.query, key: src.key, incremental },
    columns,
    chunkSize: ex.chunk_size,
    queueCapacity: ex.queue.capacity,
    output: {
      format: ex.output.format,
      dir: path.resolve(opts.projectRoot, ex.output.dir),
      encoding: ex.output.encoding,
      onUnencodable: ex.output.on_unencodable,
      header: ex.output.header,
    },
    limits: {
      maxRows: ex.limits.max_rows,
      perUserPerHour: ex.limits.per_user_per_hour,
      diskUsageBreaker: breaker === undefined ? undefined : percent(breaker) / 100,
    },
    retry: {
      retries: ex.retry.attempts,
      initialBackoffMs: ms(ex.retry.initial_backoff),
      maxBackoffMs: ms(ex.retry.max_backoff),
    },
    timeoutMs: ms(ex.timeout),
  };
  return { name: metadata.name, database, export: exportSettings, configDigest };
}

/** Output columns: `from` defaults to the column's own name; two columns cannot share a name. */
function outputColumns(columns: ExporterConfig['export']['columns'] & object): ColumnSetting[] {
  const seen = new Set<string>();
  return columns.map((c, i) => {
    if (seen.has(c.name)) throw configInvalid(`export.columns[${i}].name`, `duplicate column ${c.name}`);
    seen.add(c.name);
    return { name: c.name, from: c.from ?? c.name, maxLength: c.max_length };
  });
}
