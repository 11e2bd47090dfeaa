/**
 * The service's view of an effective config: `server`, `queue`, `notifications`, `toggles`,
 * `monitoring` and `export.workers` (docs/reference.md#export-config), with `${VAR}` resolved. Their shape and defaults are
 * the schema's (`readExportConfig`); the exporter's own sections are read by
 * `readExporterSettings`; the environment is checked by `checkEnvironment`.
 */
import { checkEnvironment } from '../check/check-environment.js';
import { effectiveConfigDigest } from '../config/digest.js';
import type { EffectiveConfig } from '../config/types.js';
import { parseSize, schemaDuration } from '../config/units.js';
import { MissingVariableError, resolveVariables } from '../config/variables.js';
import type { Finding } from '../diagnostics/finding.js';
import {
  configInvalid,
  ExportError,
  type ExporterSettings,
  type ProtectedPath,
  projectProtectedPaths,
} from '../exporter/index.js';
import { exporterSettingsOf, schemaRefusal } from '../exporter/settings.js';
import { type ExportConfig, readExportConfig } from '../schema/read-config.js';
import { schemaDefault } from '../schema/schemas.js';

export type QueueBackendName = ExportConfig['queue']['backend'];
export type FallbackStrategy = NonNullable<NonNullable<ExportConfig['toggles']>['fallback']>['strategy'];

export interface ServiceSettings {
  host: string;
  port: number;
  /** Per HTTP request (server.timeout). */
  requestTimeoutMs: number;
  /** Longest accepted request body (server.max_body), in bytes. */
  maxBodyBytes: number;
  tokensEnv?: string;
  adminTokensEnv?: string;
  workers: number;
  queue: { backend: QueueBackendName; url?: string };
  metrics?: { port?: number; path: string };
  /** Path of the metrics endpoint: `monitoring.metrics.path`, the schema's default without that map. */
  metricsPath: string;
  webhook?: { url: string; timeoutMs: number };
  fallback?: { strategy: FallbackStrategy; timeoutMs: number };
}

/** One validated environment config as the service runs it. */
export interface RunningConfig {
  env: string;
  projectRoot: string;
  /** The project's files no export may write (manifest, config, policies). */
  protectedPaths: readonly ProtectedPath[];
  /** Effective values, `${VAR}` unresolved (what `/config` shows, redacted). */
  values: Record<string, unknown>;
  /** `effectiveConfigDigest` (config/digest.ts): the whole effective config, unresolved. */
  digest: string;
  service: ServiceSettings;
  exporter: ExporterSettings;
}

/** A size the schema accepted (its pattern), in bytes. */
function size(text: string): number {
  const v = parseSize(text);
  if (v === undefined)
    throw new Error(`internal: the schema accepted a size the parser cannot read: ${text}`);
  return v;
}

/**
 * Reads the service settings of effective config values (`${VAR}` unresolved). Throws
 * ExportError CONFIG_INVALID: the schema's first finding, a variable that is not set, or
 * a redis backend whose URL resolves to nothing.
 */
export function readServiceSettings(
  values: Record<string, unknown>,
  processEnv: NodeJS.ProcessEnv = process.env,
): ServiceSettings {
  const read = readExportConfig(values);
  if (!read.ok) throw schemaRefusal(read.problems);
  return serviceSettingsOf(read.config, processEnv);
}

/**
 * The service settings of a config the schema already validated (`checkEnvironment`'s
 * `config`, defaults applied). Throws ExportError CONFIG_INVALID for what only the resolved
 * values can show.
 */
export function serviceSettingsOf(
  validated: ExportConfig,
  processEnv: NodeJS.ProcessEnv = process.env,
): ServiceSettings {
  let config: ExportConfig;
  try {
    config = resolveVariables(validated, processEnv);
  } catch (err) {
    if (err instanceof MissingVariableError) throw configInvalid(err.path, err.message);
    throw err;
  }
  const { server, queue, monitoring, notifications, toggles } = config;
  // The URL usually comes from a variable, so only the resolved value can say it is missing.
  const queueUrl = queue.url === '' ? undefined : queue.url;
  if (queue.backend === 'redis' && !queueUrl)
    throw configInvalid('queue.url', 'backend redis needs a redis:// URL');
  const metrics = monitoring?.metrics;
  const webhook = notifications?.webhook;
  const fallback = toggles?.fallback;
  return {
    host: server.host,
    port: server.port,
    requestTimeoutMs: schemaDuration(server.timeout),
    maxBodyBytes: size(server.max_body),
    tokensEnv: server.auth?.tokens_env,
    adminTokensEnv: server.auth?.admin_tokens_env,
    workers: config.export.workers,
    queue: { backend: queue.backend, url: queueUrl },
    // A `monitoring.metrics` map, even an empty one, turns the endpoint on.
    metrics: metrics && { port: metrics.port, path: metrics.path },
    metricsPath:
      metrics?.path ?? (schemaDefault('ExportConfig', ['monitoring', 'metrics', 'path']) as string),
    webhook:
      webhook && webhook.url !== ''
        ? { url: webhook.url, timeoutMs: schemaDuration(webhook.timeout) }
        : undefined,
    fallback: fallback?.enabled
      ? { strategy: fallback.strategy, timeoutMs: schemaDuration(fallback.timeout) }
      : undefined,
  };
}

export type LoadConfigResult =
  | { ok: true; config: RunningConfig; findings: Finding[]; effective: EffectiveConfig }
  | { ok: false; findings: Finding[]; fatal: boolean; error?: ExportError; files: string[] };

/**
 * Checks the environment (`checkEnvironment`: every stage, as `check --env` does) and builds
 * its running config. Used at start and on every SIGHUP: a config that fails is never run.
 */
export function loadRunningConfig(opts: {
  cwd: string;
  project?: string;
  env: string;
  processEnv?: NodeJS.ProcessEnv;
}): LoadConfigResult {
  const checked = checkEnvironment({ cwd: opts.cwd, project: opts.project, env: opts.env });
  if (!checked.ok)
    return {
      ok: false,
      findings: checked.refusal.findings,
      fatal: checked.refusal.fatal,
      files: checked.files,
    };
  const { effective, config: validated } = checked.environment;
  try {
    const values = effective.values as Record<string, unknown>;
    const projectRoot = checked.project.project.root;
    const exporter = exporterSettingsOf(validated, values, { projectRoot, env: opts.processEnv });
    const service = serviceSettingsOf(validated, opts.processEnv);
    return {
      ok: true,
      findings: checked.findings,
      effective,
      config: {
        env: opts.env,
        projectRoot,
        protectedPaths: projectProtectedPaths(checked.project.project, checked.files),
        values,
        digest: effectiveConfigDigest(values),
        service,
        exporter,
      },
    };
  } catch (err) {
    if (err instanceof ExportError)
      return { ok: false, findings: checked.findings, fatal: false, error: err, files: checked.files };
    throw err;
  }
}
