/**
 * The stable identity of one finding across revisions: rule, environment, file (POSIX path
 * relative to a root), config path and the message with positions taken out. No line or column
 * goes in, so inserting lines above a finding or editing elsewhere in its file keeps it; the same
 * finding in another file or environment is another fingerprint. The message is redacted before
 * it is hashed, so a fingerprint never carries a secret that could be brute-forced back.
 */
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { redactText } from '../config/secrets.js';
import type { Finding } from '../diagnostics/finding.js';

export const FINDING_FINGERPRINT_VERSION = 'f1';

/** The file of a finding as a POSIX path relative to `root` ('' for none). */
export function fingerprintFile(f: Finding, root: string): string {
  if (!f.location) return '';
  return relative(root, f.location.file).split(sep).join('/');
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
  const parts = [
    FINDING_FINGERPRINT_VERSION,
    f.rule,
    f.env ?? '',
    fingerprintFile(f, root),
    f.path ?? '',
    normaliseMessage(f.message),
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}
