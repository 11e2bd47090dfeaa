/** `exportctl drift --live URL --env E`: a running service's /config against the declared config. */
import { checkEnvironment } from '../check/check-environment.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { LiveDriftError, liveDrift } from '../service/live-drift.js';
import type { DriftFlags } from './commands/drift.js';
import { findingsExitCode, refusalExitCode } from './exit-codes.js';
import { reportFindings, reportOptions, reportRefusal } from './report-findings.js';

/** The bearer token for `/config` comes from the environment, never from a flag (`ps` shows flags). */
export const LIVE_TOKEN_ENV = 'EXPORTCTL_TOKEN';

export async function runDriftLive(url: string, flags: DriftFlags): Promise<number> {
  const { maxWarnings } = reportOptions(flags);
  if (flags.env?.length !== 1)
    throw new UsageError('--live needs exactly one --env (the environment the service runs)');
  const env = flags.env[0];
  const cwd = process.cwd();
  const checked = checkEnvironment({ cwd, project: flags.project, env });
  if (!checked.ok) {
    reportRefusal({
      findings: checked.refusal.findings,
      cwd,
      files: checked.files,
      envs: [env],
      message: `${checked.refusal.message}: nothing compared`,
      flags,
    });
    return refusalExitCode(checked.refusal);
  }
  const config = checked.environment.effective;
  let findings: Awaited<ReturnType<typeof liveDrift>>;
  try {
    findings = await liveDrift({ url, config, token: process.env[LIVE_TOKEN_ENV] || undefined });
  } catch (err) {
    if (err instanceof LiveDriftError) throw new UsageError(err.message + authHint(err.status));
    throw err;
  }
  reportFindings(findings, flags, { cwd, files: checked.files, envs: [env] });
  return findingsExitCode(findings, false, maxWarnings);
}

/** What to do about a refused token: where it comes from, without ever showing it. */
function authHint(status: number | undefined): string {
  if (status !== 401 && status !== 403) return '';
  if (!process.env[LIVE_TOKEN_ENV]) {
    return `; set ${LIVE_TOKEN_ENV} to a token the service accepts (one listed in the variable its server.auth.tokens_env names)`;
  }
  return status === 401
    ? `; the service does not accept the token in ${LIVE_TOKEN_ENV}`
    : `; the token in ${LIVE_TOKEN_ENV} may not read /config`;
}
