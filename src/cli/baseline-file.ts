/**
 * The committed baseline file of `check --baseline FILE` / `--update-baseline`: the
 * fingerprints of the findings a team has accepted, as sorted, stable JSON. It holds rule,
 * environment, file, config path and fingerprint — never a message or a line number, so it
 * carries no secret and does not churn when lines move.
 */
import { readGuardedText } from '../config/read-file.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { findingFingerprint, fingerprintFile } from '../report/fingerprint.js';
import { writeReport } from './io.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  rule: string;
  env: string | null;
  file: string | null;
  path: string | null;
  fingerprint: string;
}

const FIELDS = ['rule', 'env', 'file', 'path', 'fingerprint'] as const;

export function baselineEntries(findings: readonly Finding[], root: string): BaselineEntry[] {
  const entries = findings.map((f) => ({
    rule: f.rule,
    env: f.env ?? null,
    file: f.location ? fingerprintFile(f, root) : null,
    path: f.path ?? null,
    fingerprint: findingFingerprint(f, root),
  }));
  const key = (e: BaselineEntry) => FIELDS.map((k) => e[k] ?? '').join('\u0000');
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function formatBaseline(entries: readonly BaselineEntry[]): string {
  return `${JSON.stringify({ version: BASELINE_VERSION, findings: entries }, null, 2)}\n`;
}

/** Writes the baseline atomically (temp file + rename). */
export function writeBaseline(file: string, entries: readonly BaselineEntry[]): void {
  writeReport(formatBaseline(entries), file);
}

/** The fingerprints a baseline file lists (with repeats); a UsageError for a file that is not one. */
export function readBaseline(file: string): string[] {
  const read = readGuardedText(file);
  if (!read.ok) throw new UsageError(`--baseline ${file}: ${read.refusal.message}`);
  let doc: unknown;
  try {
    doc = JSON.parse(read.text);
  } catch {
    throw new UsageError(`--baseline ${file}: not JSON (write one with --update-baseline)`);
  }
  const bad = () =>
    new UsageError(
      `--baseline ${file}: not an exportctl baseline (version ${BASELINE_VERSION} with a "findings" list)`,
    );
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad();
  const { version, findings } = doc as { version?: unknown; findings?: unknown };
  if (version !== BASELINE_VERSION || !Array.isArray(findings)) throw bad();
  return findings.map((e: unknown, i) => {
    const fp = typeof e === 'object' && e !== null ? (e as { fingerprint?: unknown }).fingerprint : undefined;
    if (typeof fp !== 'string' || !/^[0-9a-f]{64}$/.test(fp)) {
      throw new UsageError(`--baseline ${file}: findings[${i}] has no valid "fingerprint"`);
    }
    return fp;
  });
}
