/**
 * `exportctl drift --format text`: a table (path, each environment's value, verdict) fitted
 * to the terminal's width, then the findings as `check` prints them, and its summary line.
 */
import { formatText } from '../../report/text.js';
import type { DriftCell } from '../model.js';
import { displayValue } from '../values.js';
import { fitColumns, wrapWords } from './fit.js';
import { type DriftReportInput, shownRows, tally, verdictText } from './report-input.js';
import { palette } from '../../report/ansi.js';

const MAX_VALUE = 32;

/** Long values keep both ends: URLs and names differ at their ends as often as at their starts. */
function middleEllipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

export function formatDriftText(input: DriftReportInput): string {
  const cmp = input.comparison;
  const { red, green, gray, bold } = palette(input.color);

  const rows = shownRows(input);
  const others = cmp.sides.filter((s) => s.id !== cmp.reference).map((s) => s.id);
  const out: string[] = [
    bold(
      `Drift of ${input.drift.project}: ${others.length > 0 ? others.join(', ') : '(no other environment)'} against ${cmp.reference} (reference)`,
    ),
    '',
  ];

  const mark = (c: DriftCell): string =>
    c.status === 'drift' || c.status === 'missing' ? ' *' : c.status === 'allowed' ? ' ~' : '';
  const cellText = (c: DriftCell, max: number): string => {
    const m = mark(c);
    const v = c.present ? middleEllipsis(displayValue(c.value), Math.max(1, max - m.length)) : '—';
    return v + m;
  };
  const paintCell = (c: DriftCell, s: string): string =>
    c.status === 'drift' || c.status === 'missing'
      ? red(s)
      : c.status === 'allowed'
        ? green(s)
        : c.status === 'same' || c.status === 'absent'
          ? gray(s)
          : s;

  const width = input.width ?? 80;
  if (rows.length === 0) {
    out.push(
      `No differences across ${cmp.sides.map((s) => s.id).join(', ')} (${cmp.rows.length} keys compared).`,
    );
  } else {
    const len = (s: string) => [...s].length;
    const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - len(s)));
    const sideHeads = cmp.sides.map((s) => (s.id === cmp.reference ? `${s.id} (ref)` : s.id));
    const verdicts = rows.map((r) => verdictText(input, r));
    const layout = fitColumns(
      {
        path: Math.max(4, ...rows.map((r) => len(r.key))),
        values: sideHeads.map((h, i) =>
          Math.max(len(h), ...rows.map((r) => len(cellText(r.cells[i], MAX_VALUE + 2)))),
        ),
        verdict: Math.max(7, ...verdicts.map(len)),
      },
      width,
    );
    const head = [pad('PATH', layout.path), ...sideHeads.map((h, i) => pad(h, layout.values[i]))];
    out.push(bold(`${head.join('  ')}${layout.verdictIndent > 4 ? '  VERDICT' : ''}`.trimEnd()));
    rows.forEach((r, ri) => {
      // The path is never cut: one longer than its column stands on its own line.
      const ownLine = len(r.key) > layout.path;
      if (ownLine) out.push(r.key);
      const cells = r.cells.map((c, ci) =>
        paintCell(c, pad(cellText(c, layout.values[ci]), layout.values[ci])),
      );
      const lines = wrapWords(verdicts[ri], layout.verdict);
      const paintVerdict = (v: string) => (r.verdict === 'drift' || r.verdict === 'missing' ? red(v) : v);
      const row = [pad(ownLine ? '' : r.key, layout.path), ...cells].join('  ');
      if (layout.verdictIndent > 4) {
        out.push(`${row}  ${paintVerdict(lines[0])}`.trimEnd());
        for (const l of lines.slice(1)) out.push(`${' '.repeat(layout.verdictIndent)}${paintVerdict(l)}`);
      } else {
        out.push(row.trimEnd());
        for (const l of lines) out.push(`    ${paintVerdict(l)}`);
      }
    });
    out.push('');
    const t = tally(cmp);
    const legend = `* differs from ${cmp.reference}, not allowed   ~ allowed by drift.allow`;
    const counts = `${t.rows} keys compared: ${t.drifted} drifted, ${t.missing} missing, ${t.allowed} allowed, ${t.normalized} same up to env name`;
    const footer =
      len(legend) + 3 + len(counts) <= width
        ? [`${legend}   ${counts}`]
        : [legend, ...wrapWords(counts, width)];
    for (const l of footer) out.push(gray(l));
  }
  out.push('');
  out.push(
    formatText({
      findings: input.findings,
      cwd: input.cwd,
      files: input.files,
      envs: cmp.sides.map((s) => s.env),
      color: input.color,
      codeFrames: input.codeFrames,
      readSource: input.readSource,
    }).trimEnd(),
  );
  return `${out.join('\n')}\n`;
}
