/**
 * The service's view of an effective config: `server`, `queue`, `notifications`, `toggles`,
 * `monitoring` and `export.workers` (docs/reference.md#export-config), with `${VAR}`
 * resolved. The exporter's own sections are read by `readExporterSettings`; this module
 * reads only what the service adds.
 */
import { createHash } from 'node:crypto';
import { checkProject } from '../check/check-project.js';
import type { EffectiveConfig } from '../config/types.js';
import { parseDuration } from '../config/units.js';
import { MissingVariableError, resolveVariables } from '../config/variables.js';
import { countFindings } from '../diagnostics/counts.js';
import type { Finding } from '../diagnostics/finding.js';
import {
  ExportError,
  type ExporterSettings,
  type ProtectedPath,
  projectProtectedPaths,
  readExporterSettings,
} from '../exporter/index.js';
import { canonicalJson } from '../config/canonical-json.js';

export type QueueBackendName = 'memory' | 'redis';
export type FallbackStrategy = 'cache_first' | 'fail_fast';

export interface ServiceSettings {
  host: string;
  port: number;
  /** Per HTTP request (server.timeout). */
  requestTimeoutMs: number;
  tokensEnv?: string;
  adminTokensEnv?: string;
  workers: number;
  queue: { backend: QueueBackendName; url?: string };
  metrics?: { port?: number; path: string };
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
  /** sha256 of the canonical effective config (unresolved: no secret goes in). */
  digest: string;
  service: ServiceSettings;
  exporter: ExporterSettings;
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function duration(v: unknown, fallback: number): number {
  return typeof v === 'string' ? (parseDuration(v) ?? fallback) : fallback;
}

/** The digest `/config` reports and `drift --live` compares. */
export function configDigest(values: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(values)).digest('hex');
}

/** Reads the service settings. Throws ExportError CONFIG_INVALID (e.g. a missing variable). */
export function readServiceSettings(
  values: Obj,
  processEnv: NodeJS.ProcessEnv = process.env,
): ServiceSettings {
  let resolved: Obj;
  try {
    resolved = resolveVariables(values, processEnv);
  } catch (err) {
    if (err instanceof MissingVariableError)
      throw new ExportError('CONFIG_INVALID', `${err.path}: ${err.message}`, { path: err.path });
    throw err;
  }
  const server = obj(resolved.server);
  const auth = obj(server.auth);
  const queue = obj(resolved.queue);
  const backend = queue.backend === 'redis' ? 'redis' : 'memory';
  const queueUrl = typeof queue.url === 'string' && queue.url !== '' ? queue.url : undefined;
  if (backend === 'redis' && !queueUrl) {
    throw new ExportError('CONFIG_INVALID', 'queue.url: backend redis needs a redis:// URL', {
      path: 'queue.url',
    });
  }
  const metrics = obj(obj(resolved.monitoring).metrics);
  const webhook = obj(obj(resolved.notifications).webhook);
  const fallback = obj(obj(resolved.toggles).fallback);
  const workers = obj(resolved.export).workers;
  return {
    host: typeof server.host === 'string' ? server.host : '127.0.0.1',
    port: typeof server.port === 'number' ? server.port : 8080,
    requestTimeoutMs: duration(server.timeout, 30_000),
    tokensEnv: typeof auth.tokens_env === 'string' ? auth.tokens_env : undefined,
    adminTokensEnv: typeof auth.admin_tokens_env === 'string' ? auth.admin_tokens_env : undefined,
    workers: typeof workers === 'number' && workers >= 1 ? Math.floor(workers) : 1,
    queue: { backend, url: queueUrl },
    metrics:
      Object.keys(metrics).length > 0
        ? {
            port: typeof metrics.port === 'number' ? metrics.port : undefined,
            path: typeof metrics.path === 'string' ? metrics.path : '/metrics',
          }
        : undefined,
    webhook:
      typeof webhook.url === 'string' && webhook.url !== ''
        ? { url: webhook.url, timeoutMs: duration(webhook.timeout, 5000) }
        : undefined,
    fallback:
      fallback.enabled === true
        ? {
            strategy: fallback.strategy === 'fail_fast' ? 'fail_fast' : 'cache_first',
            timeoutMs: duration(fallback.timeout, 300),
          }
        : undefined,
  };
}

export type LoadConfigResult =
  | { ok: true; config: RunningConfig; findings: Finding[]; effective: EffectiveConfig }
  | { ok: false; findings: Finding[]; fatal: boolean; error?: ExportError };

/**
 * Validates the project through `check` (every stage) and builds the running config of
 * `env`. Used at start and on every SIGHUP: a config that fails is never run.
 */
export function loadRunningConfig(opts: {
  cwd: string;
  project?: string;
  env: string;
  processEnv?: NodeJS.ProcessEnv;
}): LoadConfigResult {
  const check = checkProject({
    cwd: opts.cwd,
    paths: opts.project ? [opts.project] : undefined,
    envs: [opts.env],
  });
  const project = check.projects[0];
  const effective = project?.configs.find((c) => c.env === opts.env);
  if (check.fatal || countFindings(check.findings).errors > 0 || !project || !effective) {
    return { ok: false, findings: check.findings, fatal: check.fatal };
  }
  try {
    const values = effective.values as Record<string, unknown>;
    const projectRoot = project.project.root;
    const exporter = readExporterSettings(values, { projectRoot, env: opts.processEnv });
    const service = readServiceSettings(values, opts.processEnv);
    return {
      ok: true,
      findings: check.findings,
      effective,
      config: {
        env: opts.env,
        projectRoot,
        protectedPaths: projectProtectedPaths(project.project, check.files),
        values,
        digest: configDigest(values),
        service,
        exporter,
      },
    };
  } catch (err) {
    if (err instanceof ExportError) return { ok: false, findings: check.findings, fatal: false, error: err };
    throw err;
  }
}
