/** The one place that decides exit codes (docs/reference.md#exit-codes). */
import { countFindings } from '../diagnostics/counts.js';
import type { Finding } from '../diagnostics/finding.js';
import type { EnvironmentRefusal } from '../check/check-environment.js';
import type { ExportErrorCode } from '../exporter/errors.js';

export const EXIT = {
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
  REFUSED: 3,
  JOB_FAILED: 4,
} as const;

/** 2 when a manifest or pack could not be used; 1 on errors or too many warnings; else 0. */
export function findingsExitCode(findings: readonly Finding[], fatal: boolean, maxWarnings?: number): number {
  if (fatal) return EXIT.USAGE;
  const c = countFindings(findings);
  if (c.errors > 0) return EXIT.FINDINGS;
  if (maxWarnings !== undefined && maxWarnings >= 0 && c.warnings > maxWarnings) return EXIT.FINDINGS;
  return EXIT.OK;
}

/**
 * `export`/`serve`: 3 refused by a limit, 4 the job failed, 1 an invalid config (nothing
 * exported), 2 an output target that must not be written (a usage error: nothing written).
 */
export function exportExitCode(code: ExportErrorCode): number {
  switch (code) {
    case 'OUTPUT_IS_SOURCE':
    case 'OUTPUT_NOT_A_FILE':
    case 'OUTPUT_REFUSED':
      return EXIT.USAGE;
    case 'RATE_LIMITED':
    case 'DISK_BREAKER_OPEN':
      return EXIT.REFUSED;
    case 'CONFIG_INVALID':
      return EXIT.FINDINGS;
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
