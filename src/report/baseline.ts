/**
 * Which findings are new against a base: each finding marked `new` or `unchanged` by its
 * fingerprint (`fingerprint.ts`), given the fingerprints known at the base (a revision's check
 * run or a baseline file). Fingerprints count as a multiset: two identical findings where the
 * base had one are one unchanged and one new.
 */
import type { Finding } from '../diagnostics/finding.js';
import { findingFingerprint } from './fingerprint.js';

export function markBaselineState(
  findings: readonly Finding[],
  root: string,
  known: readonly string[],
): Finding[] {
  const left = new Map<string, number>();
  for (const fp of known) left.set(fp, (left.get(fp) ?? 0) + 1);
  return findings.map((f) => {
    const fp = findingFingerprint(f, root);
    const n = left.get(fp) ?? 0;
    if (n > 0) left.set(fp, n - 1);
    return { ...f, baselineState: n > 0 ? 'unchanged' : 'new' };
  });
}
