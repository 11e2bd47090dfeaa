/**
 * Reloading the config (SIGHUP): load and check the new one, and refuse it when it cannot
 * be read, fails `check`, cannot be read into settings, or would lock out the users or
 * admins who can sign in now. Each refusal is one structured log line and counts in
 * `exportctl_config_reload_failures_total{reason}`.
 */
import type { Finding } from '../diagnostics/finding.js';
import type { Logger } from '../exporter/index.js';
import { type TokenAuthenticator, authenticator, lostSignIn, missingTokens } from './auth.js';
import { type RunningConfig, type ServiceSettings, loadRunningConfig } from './config.js';
import type { ReloadFailure, ServiceMetrics } from './metrics.js';

export interface ReloadResult {
  ok: boolean;
  digest: string;
  findings: Finding[];
  message?: string;
  reason?: ReloadFailure;
}

/** Where the service's config comes from (`ServiceOptions` fits). */
export interface ConfigSource {
  cwd?: string;
  project?: string;
  env: string;
  processEnv?: NodeJS.ProcessEnv;
}

export function loadServiceConfig(src: ConfigSource): ReturnType<typeof loadRunningConfig> {
  return loadRunningConfig({
    cwd: src.cwd ?? process.cwd(),
    project: src.project,
    env: src.env,
    processEnv: src.processEnv,
  });
}

export type ReloadCandidate =
  | { ok: true; next: RunningConfig; auth: TokenAuthenticator; findings: Finding[] }
  | { ok: false; reason: ReloadFailure; message: string; findings: Finding[] };

/** The new config and its authenticator, or why it is refused (before anything is applied). */
export function reloadCandidate(
  src: ConfigSource,
  running: RunningConfig,
  runningAuth: TokenAuthenticator,
): ReloadCandidate {
  let loaded: ReturnType<typeof loadRunningConfig>;
  try {
    loaded = loadServiceConfig(src);
  } catch (err) {
    // No manifest, the environment gone from it, an unreadable project...
    return { ok: false, reason: 'load', message: errorText(err), findings: [] };
  }
  if (!loaded.ok) {
    if (loaded.error)
      return {
        ok: false,
        reason: 'settings',
        message: `${loaded.error.code}: ${loaded.error.message}`,
        findings: loaded.findings,
      };
    const errors = loaded.findings.filter((f) => f.severity === 'error').length;
    return {
      ok: false,
      reason: loaded.fatal ? 'load' : 'check',
      message: `${errors} errors`,
      findings: loaded.findings,
    };
  }
  const next = loaded.config;
  const auth = authenticator(next, src.processEnv ?? process.env);
  const lockout = missingTokens(next.service, auth) ?? lostSignIn(runningAuth, auth, next.service);
  if (lockout) return { ok: false, reason: 'lockout', message: lockout, findings: loaded.findings };
  const prev = running.service;
  if ((prev.tokensEnv || prev.adminTokensEnv) && !next.service.tokensEnv && !next.service.adminTokensEnv)
    // Dropping authentication opens every user's jobs to anyone: a restart, not a reload.
    return {
      ok: false,
      reason: 'auth_removed',
      message:
        'server.auth is gone from the new config: the API would stop asking for a token; restart the service to drop authentication',
      findings: loaded.findings,
    };
  return { ok: true, next, auth, findings: loaded.findings };
}

/** Settings a reload cannot change in a running process: they wait for the next restart. */
export function restartOnlyChanges(prev: ServiceSettings, next: ServiceSettings): string[] {
  const changed: string[] = [];
  for (const [what, a, b] of [
    ['server.host', prev.host, next.host],
    ['server.port', prev.port, next.port],
    ['queue', JSON.stringify(prev.queue), JSON.stringify(next.queue)],
    ['monitoring.metrics', JSON.stringify(prev.metrics), JSON.stringify(next.metrics)],
  ] as const) {
    if (a !== b) changed.push(what);
  }
  return changed;
}

/** Counts and logs a refused reload; the running config (`digest`) stays. */
export function refuseReload(
  metrics: ServiceMetrics,
  logger: Logger,
  digest: string,
  reason: ReloadFailure,
  message: string,
  findings: Finding[],
): ReloadResult {
  metrics.reloadFailures.inc({ reason });
  logger.log('error', `config reload rejected (${message}); still running ${digest.slice(0, 12)}`, {
    code: 'CONFIG_RELOAD_REFUSED',
    reason,
    error: message,
    digest,
    findings: findings
      .filter((f) => f.severity === 'error')
      .slice(0, 20)
      .map((f) => ({ rule: f.rule, path: f.path, message: f.message })),
  });
  return { ok: false, digest, findings, message, reason };
}

/** The message alone (a UsageError's is written for users); never a stack. */
export function errorText(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}
