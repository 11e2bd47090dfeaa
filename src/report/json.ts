/** `--format json` (SPEC §3.1): one object, results in order, lines from 1. */
import { countFindings } from '../diagnostics/counts.js';
import { type ReportInput, relativeFile } from './report.js';

export function formatJson(input: ReportInput): string {
  const results = input.findings.map((f) => ({
    file: f.location ? relativeFile(input.cwd, f.location.file) : null,
    line: f.location?.line ?? null,
    column: f.location?.column ?? null,
    endLine: f.location?.endLine ?? null,
    endColumn: f.location?.endColumn ?? null,
    severity: f.severity,
    rule: f.rule,
    message: f.message,
    path: f.path ?? null,
    env: f.env ?? null,
  }));
  const c = countFindings(input.findings);
  return `${JSON.stringify({ version: 1, results, summary: { errors: c.errors, warnings: c.warnings, files: input.files.length } }, null, 2)}\n`;
}
