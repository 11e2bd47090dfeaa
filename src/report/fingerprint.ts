/**
 * The one stable identity of a finding across runs and revisions. `check --new-since` and
 * `--baseline` compare it, SARIF carries it in `partialFingerprints` and GitLab Code Quality in
 * `fingerprint`, so a report's fingerprints and its `baselineState` always agree.
 *
 * A finding's fingerprint hashes its rule, environment, file (POSIX path relative to the
 * repository root), config path and message with positions taken out. No line or column goes
 * in, so inserting lines above a finding or editing elsewhere in its file keeps it; the same
 * finding in another file or environment is another fingerprint. The message is redacted before
 * it is hashed, and no source text goes in: a hashed line could be brute-forced back to the
 * password it holds.
 *
 * A report item merged across environments (`merge.ts`) is identified by the set of its
 * environments: the hash of its findings' fingerprints, one per environment, in sorted order.
 * A single-environment or project-wide item keeps its finding's fingerprint unchanged. Sorting
 * makes the value independent of the order environments were checked in; using the set (not
 * the first environment alone) means a finding that stops or starts concerning an environment
 * is a changed item, as the report line it is shown on changes too.
 *
 * Within one report, fingerprints are unique (code scanning and Code Quality require it): the
 * second and later items with the same fingerprint get an occurrence index mixed in.
 */
import { createHash } from 'node:crypto';
import { redactText } from '../config/secrets.js';
import type { Finding } from '../diagnostics/finding.js';
import type { ReportItem } from './merge.js';
import { relativeFile } from './report.js';

/** Mixed into every fingerprint; changes when the definition does. */
export const FINDING_FINGERPRINT_VERSION = 'f1';

/** The file of a finding as a POSIX path relative to `root` ('' for none). */
export function fingerprintFile(f: Finding, root: string): string {
  return f.location ? relativeFile(root, f.location.file) : '';
}

/** The message without positions (`line 3`, `:3:7`, `col 4`) and with whitespace collapsed. */
export function normaliseMessage(message: string): string {
  return redactText(message)
    .replace(/\b(lines?|columns?|col)\s+\d+(\s*[-–,:]\s*\d+)?/gi, '$1 #')
    .replace(/:\d+(:\d+)?\b/g, ':#')
    .replace(/\s+/g, ' ')
    .trim();
}

export function findingFingerprint(f: Finding, root: string): string {
  return sha256(
    [
      FINDING_FINGERPRINT_VERSION,
      f.rule,
      f.env ?? '',
      fingerprintFile(f, root),
      f.path ?? '',
      normaliseMessage(f.message),
    ].join('\u0000'),
  );
}

/** The fingerprint of a report item: its finding's, or over its sorted environments when merged. */
export function itemFingerprint(item: ReportItem, root: string): string {
  if (item.envs.length <= 1) return findingFingerprint(item.finding, root);
  const perEnv = [...item.envs].sort().map((env) => findingFingerprint({ ...item.finding, env }, root));
  return sha256([FINDING_FINGERPRINT_VERSION, 'envs', ...perEnv].join('\u0000'));
}

/** One fingerprint per report item, unique within the report (an occurrence index on repeats). */
export function reportFingerprints(items: readonly ReportItem[], root: string): string[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const fp = itemFingerprint(item, root);
    const n = seen.get(fp) ?? 0;
    seen.set(fp, n + 1);
    return n === 0 ? fp : sha256(`${fp}\u0000${n}`);
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
