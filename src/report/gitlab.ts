/**
 * `--format gitlab`: GitLab Code Quality JSON (a subset of Code Climate's format), shown in the
 * merge request widget and diff. Paths are relative to the repository root; the fingerprint
 * (`fingerprint.ts`, the one `check --new-since` compares) stays the same across runs and line
 * shifts, so GitLab can tell new problems from old ones.
 */
import type { Severity } from '../diagnostics/finding.js';
import { anchorOf, reportRoot } from './anchor.js';
import { reportFingerprints } from './fingerprint.js';
import { mergeAcrossEnvs, messageWithEnvs } from './merge.js';
import type { ReportInput } from './report.js';

/** Code Quality severities: info, minor, major, critical, blocker. */
export const GITLAB_SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

/** Secrets are already masked: formats are called through `FORMATTERS`, which redacts once. */
export function formatGitlab(input: ReportInput): string {
  const items = mergeAcrossEnvs(input.findings);
  const anchors = items.map((item) => anchorOf(item, input));
  const prints = reportFingerprints(items, reportRoot(input));
  const issues = items.map((item, i) => ({
    description: messageWithEnvs(item),
    check_name: item.finding.rule,
    fingerprint: prints[i],
    severity: GITLAB_SEVERITY[item.finding.severity],
    location: { path: anchors[i]?.rel ?? '.', lines: { begin: anchors[i]?.line ?? 1 } },
  }));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
