/** `--format json` (docs/reference.md#json-format): one object, results in order, lines from 1. */
import { countFindings } from '../diagnostics/counts.js';
import { type ReportInput, relativeFile } from './report.js';

/** Findings as `check --format json` lists them (docs/reference.md#json-format). */
export function jsonResults(findings: ReportInput['findings'], cwd: string) {
  return findings.map((f) => ({
    file: f.location ? relativeFile(cwd, f.location.file) : null,
    line: f.location?.line ?? null,
    column: f.location?.column ?? null,
    endLine: f.location?.endLine ?? null,
    endColumn: f.location?.endColumn ?? null,
    severity: f.severity,
    rule: f.rule,
    message: f.message,
    path: f.path ?? null,
    env: f.env ?? null,
    ...(f.baselineState ? { baselineState: f.baselineState } : {}),
  }));
}

/** Secrets are already masked: formats are called through `FORMATTERS`, which redacts once. */
export function formatJson(input: ReportInput): string {
  const results = jsonResults(input.findings, input.cwd);
  const c = countFindings(input.findings);
  return `${JSON.stringify({ version: 1, results, summary: { errors: c.errors, warnings: c.warnings, files: input.files.length } }, null, 2)}\n`;
}
