/**
 * How many problems a report shows: a finding repeated in several environments is one
 * problem (one line of the text report), as every format merges them for display.
 */
import { countFindings, type FindingCounts } from '../diagnostics/counts.js';
import type { Finding } from '../diagnostics/finding.js';
import { mergeAcrossEnvs } from './merge.js';

export function problemCounts(findings: readonly Finding[]): FindingCounts {
  return countFindings(mergeAcrossEnvs(findings).map((i) => i.finding));
}

/** `3 errors, 1 warning` (and `, 2 info` when there are any). */
export function countsPhrase(c: FindingCounts): string {
  const parts = [
    `${c.errors} error${c.errors === 1 ? '' : 's'}`,
    `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`,
  ];
  if (c.infos > 0) parts.push(`${c.infos} info`);
  return parts.join(', ');
}
