/**
 * `exportctl serve`: validate (errors: exit 1, nothing served; a port in use, no tokens or an
 * unusable manifest: exit 2; Redis unreachable: exit 4), then run the service until
 * SIGTERM/SIGINT (drain: checkpoint running jobs, exit 0). SIGHUP reloads the config and keeps
 * the running one when the new one cannot be used; a reload never stops the service.
 */
import { UsageError } from '../diagnostics/usage-error.js';
import { jsonLineLogger } from '../exporter/log.js';
import { ServiceStartError, startService } from '../service/service.js';
import type { ServeFlags } from './commands/serve.js';
import { EXIT, errorExitCode, signalExitCode } from './exit-codes.js';
import { redactText } from '../config/secrets.js';
import { reportRefusal } from './report-findings.js';

function port(flag: string, value: string | undefined, allowOff: boolean): number | null | undefined {
  if (value === undefined) return undefined;
  if (allowOff && value === 'off') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${flag} must be a port number (0-65535)`);
  return n;
}

export async function runServe(flags: ServeFlags): Promise<number> {
  const cwd = process.cwd();
  const logger = jsonLineLogger((line) => process.stderr.write(line));
  const lockEnv = process.env.EXPORTCTL_QUEUE_LOCK_MS;
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService({
      cwd,
      project: flags.project,
      env: flags.env,
      host: flags.host,
      port: port('--port', flags.port, false) ?? undefined,
      metricsPort: port('--metrics-port', flags.metricsPort, true),
      logger,
      lockDurationMs: lockEnv ? Number(lockEnv) : undefined,
    });
  } catch (err) {
    if (!(err instanceof ServiceStartError)) throw err;
    const message = `${redactText(err.message)}: not serving`;
    if (err.findings.length > 0)
      reportRefusal({ findings: err.findings, cwd, files: err.files, envs: [flags.env], message });
    else process.stderr.write(`exportctl: ${message}\n`);
    return errorExitCode(err);
  }

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      logger.log('info', `${signal}: shutting down`);
      process.off('SIGHUP', onHup);
      // A second signal while draining stops at once (the checkpoints already written stay).
      process.once('SIGTERM', () => process.exit(signalExitCode('SIGTERM')));
      process.once('SIGINT', () => process.exit(signalExitCode('SIGINT')));
      service.drain().then(
        () => resolve(EXIT.OK),
        (err) => {
          logger.log('error', `drain failed: ${(err as Error).message}`);
          resolve(EXIT.JOB_FAILED);
        },
      );
    };
    const onHup = () => {
      logger.log('info', 'SIGHUP: reloading the config');
      try {
        service.reload();
      } catch (err) {
        // reload() refuses rather than throws; should it throw anyway, the service keeps running.
        logger.log('error', `config reload failed: ${(err as Error)?.message ?? String(err)}`, {
          code: 'CONFIG_RELOAD_REFUSED',
        });
      }
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', onHup);
  });
}
