/** The one place that decides exit codes (SPEC §3). */
import { countFindings } from '../diagnostics/counts.js';
import type { Finding } from '../diagnostics/finding.js';

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
