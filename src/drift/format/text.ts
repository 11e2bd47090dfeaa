/**
 * `exportctl drift --format text`: a table (path, each environment's value, verdict), then
 * the findings as `check` prints them, and its summary line.
 */
import { formatText } from '../../report/text.js';
import type { DriftCell } from '../model.js';
import { displayValue } from '../values.js';
import { type DriftReportInput, shownRows, tally, verdictText } from './report-input.js';

const MAX_PATH = 56;
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
  const paint = (code: number) => (s: string) => (input.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const red = paint(31);
  const green = paint(32);
  const gray = paint(90);
  const bold = paint(1);

  const rows = shownRows(input);
  const others = cmp.sides.filter((s) => s.id !== cmp.reference).map((s) => s.id);
  const out: string[] = [
    bold(
      `Drift of ${input.drift.project}: ${others.length > 0 ? others.join(', ') : '(no other environment)'} against ${cmp.reference} (reference)`,
    ),
    '',
  ];

  const cellText = (c: DriftCell): string => {
    const v = c.present ? middleEllipsis(displayValue(c.value), MAX_VALUE) : '—';
    const mark = c.status === 'drift' || c.status === 'missing' ? ' *' : c.status === 'allowed' ? ' ~' : '';
    return v + mark;
  };
  const paintCell = (c: DriftCell, s: string): string =>
    c.status === 'drift' || c.status === 'missing'
      ? red(s)
      : c.status === 'allowed'
        ? green(s)
        : c.status === 'same' || c.status === 'absent'
          ? gray(s)
          : s;

  if (rows.length === 0) {
    out.push(
      `No differences across ${cmp.sides.map((s) => s.id).join(', ')} (${cmp.rows.length} keys compared).`,
    );
  } else {
    const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
    const header = [
      'PATH',
      ...cmp.sides.map((s) => (s.id === cmp.reference ? `${s.id} (ref)` : s.id)),
      'VERDICT',
    ];
    const body = rows.map((r) => [short(r.key, MAX_PATH), ...r.cells.map(cellText), verdictText(input, r)]);
    const widths = header.map((h, i) =>
      i === header.length - 1 ? 0 : Math.max(h.length, ...body.map((b) => [...b[i]].length)),
    );
    const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
    out.push(bold(header.map((h, i) => pad(h, widths[i])).join('  ')).trimEnd());
    rows.forEach((r, ri) => {
      const b = body[ri];
      const cells = r.cells.map((c, ci) => paintCell(c, pad(b[ci + 1], widths[ci + 1])));
      const verdict =
        r.verdict === 'drift' || r.verdict === 'missing' ? red(b[b.length - 1]) : b[b.length - 1];
      out.push([pad(b[0], widths[0]), ...cells, verdict].join('  '));
    });
    const t = tally(cmp);
    out.push('');
    out.push(
      gray(
        `* differs from ${cmp.reference}, not allowed   ~ allowed by drift.allow   ${t.rows} keys compared: ${t.drifted} drifted, ${t.missing} missing, ${t.allowed} allowed, ${t.normalized} same up to env name`,
      ),
    );
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
