/**
 * The one place that decides exit codes (docs/reference.md#exit-codes): from findings, and from
 * every error a command can end with.
 */
import { CommanderError } from 'commander';
import type { EnvironmentRefusal } from '../check/check-environment.js';
import { countFindings } from '../diagnostics/counts.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
// Types only: `check` must not load the exporter or the service to decide an exit code.
import type { ExportError, ExportErrorCode } from '../exporter/errors.js';
import type { TerraformError } from '../plan/terraform-cli.js';
import type { ServiceStartCode, ServiceStartError } from '../service/start-error.js';

export const EXIT = {
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
  REFUSED: 3,
  JOB_FAILED: 4,
  /** A bug of exportctl's, not of the input (sysexits' EX_SOFTWARE). */
  INTERNAL: 70,
  /** `export`/`serve` stopped at once by a second SIGINT (128 + 2, the shell's convention). */
  SIGINT: 130,
  /** `serve` stopped at once by a second SIGTERM while draining (128 + 15). */
  SIGTERM: 143,
} as const;

/** A second signal during an interrupt: stop at once with the shell's code for it. */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM;
}

/** The project or one of its files could not be read: 2 when it cannot be used at all, else 1. */
export function unreadableProjectExitCode(fatal: boolean): number {
  return fatal ? EXIT.USAGE : EXIT.FINDINGS;
}

/** 2 when a manifest or pack could not be used; 1 on errors or too many warnings; else 0. */
export function findingsExitCode(findings: readonly Finding[], fatal: boolean, maxWarnings?: number): number {
  if (fatal) return EXIT.USAGE;
  const c = countFindings(findings);
  if (c.errors > 0) return EXIT.FINDINGS;
  if (maxWarnings !== undefined && maxWarnings >= 0 && c.warnings > maxWarnings) return EXIT.FINDINGS;
  return EXIT.OK;
}

/**
 * `export`/`serve`: 3 refused by a limit or a job another process runs, 4 the job failed, 1 an
 * invalid config (nothing exported), 2 an output target that must not be written (a usage
 * error: nothing written), 70 an internal error.
 */
export function exportExitCode(code: ExportErrorCode): number {
  switch (code) {
    case 'OUTPUT_IS_SOURCE':
    case 'OUTPUT_NOT_A_FILE':
    case 'OUTPUT_REFUSED':
      return EXIT.USAGE;
    case 'RATE_LIMITED':
    case 'DISK_BREAKER_OPEN':
    case 'JOB_RUNNING':
      return EXIT.REFUSED;
    case 'CONFIG_INVALID':
      return EXIT.FINDINGS;
    case 'INTERNAL':
      return EXIT.INTERNAL;
    default:
      return EXIT.JOB_FAILED;
  }
}

/**
 * An environment `checkEnvironment` refused (export, serve, synth, plan, drift --state,
 * drift --live): CONFIG_INVALID, exit 1; 2 when a manifest or pack cannot be used.
 */
export function refusalExitCode(refusal: Pick<EnvironmentRefusal, 'code' | 'fatal'>): number {
  return refusal.fatal ? EXIT.USAGE : exportExitCode(refusal.code);
}

/** `serve` could not start: 1 the config fails check, 2 it cannot run as configured, 4 Redis is down. */
export function serviceStartExitCode(code: ServiceStartCode): number {
  switch (code) {
    case 'CONFIG_INVALID':
      return EXIT.FINDINGS;
    case 'QUEUE_UNAVAILABLE':
      return EXIT.JOB_FAILED;
    default:
      return EXIT.USAGE;
  }
}

// By name: the classes live in modules that `check` never loads.
function isExportError(err: unknown): err is ExportError {
  return err instanceof Error && err.name === 'ExportError';
}

function isServiceStartError(err: unknown): err is ServiceStartError {
  return err instanceof Error && err.name === 'ServiceStartError';
}

function isTerraformError(err: unknown): err is TerraformError {
  return err instanceof Error && err.name === 'TerraformError';
}

/** The exit code of a command that ended with `err`; anything not a known error is internal. */
export function errorExitCode(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  if (err instanceof UsageError || isTerraformError(err)) return EXIT.USAGE;
  if (isExportError(err)) return exportExitCode(err.code);
  if (isServiceStartError(err)) return serviceStartExitCode(err.code);
  return EXIT.INTERNAL;
}

/** Whether `err` is one of ours, with a code and a message written for users. */
export function isKnownError(
  err: unknown,
): err is UsageError | ExportError | ServiceStartError | TerraformError {
  return err instanceof UsageError || isExportError(err) || isServiceStartError(err) || isTerraformError(err);
}
