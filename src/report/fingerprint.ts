/**
 * Fingerprints that identify a finding across runs (SARIF `partialFingerprints`, GitLab Code
 * Quality `fingerprint`), so code scanning and merge-request widgets can tell new problems from
 * old ones. A finding is identified by its rule, its file and its config path — not its line,
 * so inserting lines above it keeps the fingerprint. Only when two findings share all three are
 * their messages (then their environments, then their order) mixed in. Nothing from the source
 * text goes in: a hashed line could be brute-forced back to the password it holds.
 */
import { createHash } from 'node:crypto';
import type { Anchor } from './anchor.js';
import type { ReportItem } from './merge.js';

export const FINGERPRINT_VERSION = 'v1';

export function fingerprints(
  items: readonly ReportItem[],
  anchors: readonly (Anchor | undefined)[],
): string[] {
  const levels = items.map((item, i) => {
    const f = item.finding;
    const base = [FINGERPRINT_VERSION, f.rule, anchors[i]?.rel ?? '', f.path ?? `message:${f.message}`];
    return [base, [...base, f.message], [...base, f.message, [...item.envs].sort().join(',')]];
  });
  const keys = items.map((_, i) => levels[i][0].join('\u0000'));
  // Refine every member of a colliding group the same way, so the result does not depend on order.
  for (let level = 1; level < 3; level++) {
    const counts = countValues(keys);
    for (let i = 0; i < keys.length; i++) {
      if ((counts.get(keys[i]) ?? 0) > 1) keys[i] = levels[i][level].join('\u0000');
    }
  }
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return sha256(n === 0 ? k : `${k}\u0000${n}`);
  });
}

function countValues(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
