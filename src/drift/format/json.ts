/**
 * `exportctl drift --format json`: the comparison (columns, rows with one cell per
 * environment) and the findings in `check`'s JSON shape (docs/reference.md#json-format).
 */
import { countFindings } from '../../diagnostics/counts.js';
import { jsonResults } from '../../report/json.js';
import { relativeFile } from '../../report/report.js';
import { allowReason, type DriftReportInput, shownRows, tally } from './report-input.js';

export function formatDriftJson(input: DriftReportInput): string {
  const cmp = input.comparison;
  const rows = shownRows(input).map((r) => ({
    path: r.key,
    verdict: r.verdict,
    cells: Object.fromEntries(
      r.cells.map((c) => {
        const cell: Record<string, unknown> = { status: c.status };
        if (c.present) cell.value = c.value;
        if (c.path !== undefined) cell.configPath = c.path;
        if (c.origin) {
          cell.file = relativeFile(input.cwd, c.origin.file);
          cell.line = c.origin.line;
          cell.column = c.origin.column;
        }
        if (c.allow !== undefined) {
          cell.allow = input.drift.allows.find((a) => a.index === c.allow)?.pattern.source ?? null;
          cell.reason = allowReason(input, c.allow) ?? null;
        }
        if (c.redundant) cell.redundant = true;
        if (c.secretDiffers) cell.secretDiffers = true;
        return [c.side, cell];
      }),
    ),
  }));
  // The findings in exactly the shape `check --format json` gives them.
  const results = jsonResults(input.findings, input.cwd);
  const c = countFindings(input.findings);
  const t = tally(cmp);
  const out = {
    version: 1,
    project: input.drift.project,
    reference: cmp.reference,
    columns: cmp.sides,
    rows,
    results,
    summary: {
      errors: c.errors,
      warnings: c.warnings,
      keys: t.rows,
      drifted: t.drifted,
      missing: t.missing,
      allowed: t.allowed,
      normalized: t.normalized,
    },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
