/**
 * `exportctl drift --format html`: one self-contained page (no scripts, no external
 * resources; a Content-Security-Policy forbids any): environments as columns, drifted cells
 * marked, allowed differences with their reason, provenance shown on hover and focus.
 */
import { countFindings } from '../../diagnostics/counts.js';
import type { DriftCell } from '../model.js';
import { displayValue } from '../values.js';
import { allowReason, type DriftReportInput, origin, shownRows, tally, verdictText } from './report-input.js';

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const MAX_VALUE = 120;

const STATUS_TEXT: Record<DriftCell['status'], string> = {
  reference: 'reference value',
  same: 'same as the reference',
  normalized: 'same as the reference up to the environment name',
  absent: 'absent here and in the reference',
  allowed: 'differs from the reference: allowed',
  drift: 'differs from the reference: drift',
  missing: 'present on one side only: drift',
};

const CSS = `
:root { color-scheme: light; --drift: #b42318; --drift-bg: #fee4e2; --ok: #067647; --ok-bg: #dcfae6;
  --ref-bg: #eff4ff; --muted: #667085; --line: #eaecf0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 24px; color: #101828; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.summary { color: var(--muted); margin: 0 0 16px; }
.summary b { color: #101828; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.bad { background: var(--drift-bg); color: var(--drift); }
.badge.good { background: var(--ok-bg); color: var(--ok); }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: #f9fafb; position: sticky; top: 0; z-index: 1; }
thead th.reference { background: var(--ref-bg); }
th.path { font-weight: normal; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
td.cell { position: relative; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; max-width: 28em; overflow-wrap: anywhere; }
td.cell:focus { outline: 2px solid #2e90fa; outline-offset: -2px; }
td.reference { background: var(--ref-bg); }
td.same, td.absent { color: var(--muted); }
td.normalized { color: var(--muted); font-style: italic; }
td.drift, td.missing { background: var(--drift-bg); color: var(--drift); font-weight: 700; }
td.drift::before, td.missing::before { content: "✗ "; }
td.allowed { background: var(--ok-bg); color: var(--ok); }
td.allowed::before { content: "✓ "; }
.reason { display: block; font-family: system-ui, sans-serif; font-weight: normal; font-size: 11px; color: var(--ok); margin-top: 2px; }
.redundant { display: block; font-family: system-ui, sans-serif; font-size: 11px; color: #b54708; font-weight: normal; }
.prov { display: none; position: absolute; left: 8px; top: 100%; z-index: 2; background: #101828; color: #fff;
  padding: 4px 8px; border-radius: 4px; font-size: 11px; font-weight: normal; white-space: nowrap; font-family: ui-monospace, monospace; }
td.cell:hover .prov, td.cell:focus .prov { display: block; }
td.verdict { white-space: nowrap; }
tr.v-drift td.verdict, tr.v-missing td.verdict { color: var(--drift); font-weight: 700; }
tr.v-allowed td.verdict { color: var(--ok); }
.legend { color: var(--muted); font-size: 12px; margin-top: 8px; }
ul.findings { padding-left: 18px; font-size: 13px; }
ul.findings li { margin: 4px 0; }
.sev-error { color: var(--drift); font-weight: 700; }
.sev-warning { color: #b54708; font-weight: 700; }
`;

export function formatDriftHtml(input: DriftReportInput): string {
  const cmp = input.comparison;
  const t = tally(cmp);
  const c = countFindings(input.findings);
  const rows = shownRows(input);
  const refValue = (cells: DriftCell[]) => cells.find((x) => x.status === 'reference');

  const head = cmp.sides
    .map((s) =>
      s.id === cmp.reference
        ? `<th scope="col" class="env reference" data-env="${esc(s.id)}">${esc(s.id)} <span class="badge">reference</span></th>`
        : `<th scope="col" class="env" data-env="${esc(s.id)}">${esc(s.id)}${s.protected ? ' <span class="badge">protected</span>' : ''}</th>`,
    )
    .join('');

  const body = rows
    .map((r) => {
      const ref = refValue(r.cells);
      const tds = r.cells
        .map((cell, i) => {
          const side = cmp.sides[i];
          const shown = cell.present ? displayValue(cell.value, MAX_VALUE) : '—';
          const where = origin(input.cwd, cell.origin);
          const reason = allowReason(input, cell.allow);
          const tip = [
            where ?? (cell.present ? undefined : `not set in ${side.id}`),
            STATUS_TEXT[cell.status],
            cell.status === 'drift' && ref?.present
              ? `${cmp.reference}: ${displayValue(ref.value, MAX_VALUE)}`
              : undefined,
            cell.secretDiffers ? 'a secret: values differ' : undefined,
          ]
            .filter(Boolean)
            .join(' · ');
          return (
            `<td class="cell ${cell.status}" tabindex="0" data-env="${esc(side.id)}" data-status="${cell.status}"` +
            `${where ? ` data-origin="${esc(where)}"` : ''} aria-label="${esc(`${side.id}: ${shown} (${tip})`)}">` +
            `${esc(shown)}` +
            (reason && cell.status === 'allowed' ? `<span class="reason">${esc(reason)}</span>` : '') +
            (cell.redundant ? '<span class="redundant">overlay restates the base</span>' : '') +
            `<span class="prov" role="tooltip">${esc(tip)}</span></td>`
          );
        })
        .join('');
      return `<tr class="v-${r.verdict}" data-path="${esc(r.key)}"><th scope="row" class="path"><code>${esc(r.key)}</code></th>${tds}<td class="verdict">${esc(verdictText(input, r))}</td></tr>`;
    })
    .join('\n');

  const findings = input.findings
    .map((f) => {
      const where = origin(input.cwd, f.location);
      return `<li><span class="sev-${f.severity}">${esc(f.severity)}</span> <code>${esc(f.rule)}</code>${where ? ` <code>${esc(where)}</code>` : ''}${f.env ? ` [${esc(f.env)}]` : ''}: ${esc(f.message)}</li>`;
    })
    .join('\n');

  const ok = t.drifted + t.missing === 0 && c.errors === 0;
  const title = `Drift: ${input.drift.project}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="exportctl drift">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)} <span class="badge ${ok ? 'good' : 'bad'}" id="status">${ok ? 'no drift' : 'drift'}</span></h1>
<p class="summary">Reference <b>${esc(cmp.reference)}</b> · ${t.rows} keys compared · <b id="drifted">${t.drifted}</b> drifted · <b id="missing">${t.missing}</b> missing · <b id="allowed">${t.allowed}</b> allowed · ${t.normalized} same up to the environment name</p>
${
  rows.length === 0
    ? `<p id="no-differences">No differences across ${esc(cmp.sides.map((s) => s.id).join(', '))}.</p>`
    : `<table class="drift">
<thead><tr><th scope="col">Path</th>${head}<th scope="col">Verdict</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<p class="legend">✗ differs from ${esc(cmp.reference)} and no <code>drift.allow</code> entry covers it · ✓ allowed (reason below the value) · <i>italic</i>: same up to the environment name · hover or focus a cell for where its value is set</p>`
}
${input.findings.length > 0 ? `<h2>Findings: ${c.errors} error${c.errors === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}</h2>\n<ul class="findings">\n${findings}\n</ul>` : ''}
</body>
</html>
`;
}
