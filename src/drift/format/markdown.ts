/**
 * `exportctl drift --format markdown`: a pull-request comment (GitHub-flavoured): a
 * paths × environments table with drifted cells marked, and the findings.
 */
import { countFindings } from '../../diagnostics/counts.js';
import type { DriftCell } from '../model.js';
import { displayValue } from '../values.js';
import {
  allowReason,
  columnTitle,
  type DriftReportInput,
  origin,
  shownRows,
  tally,
  verdictText,
} from './report-input.js';

const MAX_VALUE = 60;

/** Text outside code spans: markdown and HTML specials neutralized. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#|~!])/g, '\\$1');
}

/** A code span that survives any content, inside a table cell (`|` escaped even there, as GFM wants). */
export function mdCode(s: string): string {
  const one = s.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') || one === '' ? ' ' : '';
  return `${fence}${pad}${one.replace(/\|/g, '\\|')}${pad}${fence}`;
}

const MARK: Partial<Record<DriftCell['status'], string>> = {
  drift: '❌',
  missing: '❌',
  allowed: '✅',
  normalized: '≈',
};

export function formatDriftMarkdown(input: DriftReportInput): string {
  const cmp = input.comparison;
  const t = tally(cmp);
  const c = countFindings(input.findings);
  const out: string[] = [];
  const status = t.drifted + t.missing > 0 ? '❌' : c.warnings > 0 ? '⚠️' : '✅';
  out.push(`### ${status} exportctl drift: ${mdText(input.drift.project)}`);
  out.push('');
  out.push(
    `Reference: **${mdText(cmp.reference)}** · ${t.rows} keys compared · **${t.drifted}** drifted · **${t.missing}** missing · ${t.allowed} allowed · ${t.normalized} same up to the environment's name`,
  );
  out.push('');

  const rows = shownRows(input);
  if (rows.length === 0) {
    out.push(`No differences across ${cmp.sides.map((s) => mdText(s.id)).join(', ')}.`);
  } else {
    out.push(`| path | ${cmp.sides.map((_, i) => mdText(columnTitle(cmp, i))).join(' | ')} | verdict |`);
    out.push(`|---|${cmp.sides.map(() => '---').join('|')}|---|`);
    for (const r of rows) {
      const cells = r.cells.map((cell) => {
        const v = cell.present ? mdCode(displayValue(cell.value, MAX_VALUE)) : '—';
        const mark = MARK[cell.status];
        const shown = cell.status === 'drift' || cell.status === 'missing' ? `**${v}**` : v;
        const note = cell.redundant ? ' <sub>restates base</sub>' : '';
        return `${mark ? `${mark} ` : ''}${shown}${note}`;
      });
      const verdict =
        r.verdict === 'drift' || r.verdict === 'missing'
          ? `**${mdText(verdictText(input, r))}**`
          : mdText(verdictText(input, r));
      out.push(`| ${mdCode(r.key)} | ${cells.join(' | ')} | ${verdict} |`);
    }
    out.push('');
    out.push(
      `❌ differs from ${mdText(cmp.reference)}, not allowed · ✅ allowed by \`drift.allow\` · ≈ same up to the environment's name`,
    );
  }

  if (input.findings.length > 0) {
    out.push('');
    out.push(
      `<details${c.errors > 0 ? ' open' : ''}><summary>${c.errors} error${c.errors === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}</summary>`,
    );
    out.push('');
    for (const f of input.findings) {
      const where = origin(input.cwd, f.location);
      const icon = f.severity === 'error' ? '❌' : f.severity === 'warning' ? '⚠️' : 'ℹ️';
      out.push(
        `- ${icon} **${f.severity}** ${mdCode(f.rule)}${where ? ` ${mdCode(where)}` : ''}${f.env ? ` (${mdText(f.env)})` : ''}: ${mdText(f.message)}`,
      );
    }
    out.push('');
    out.push('</details>');
  }
  const reasons = input.drift.allows.filter(
    (a) => a.reason && rows.some((r) => r.cells.some((x) => x.allow === a.index)),
  );
  if (reasons.length > 0 && rows.length > 0) {
    out.push('');
    out.push('<details><summary>Allowed differences</summary>');
    out.push('');
    for (const a of reasons) {
      out.push(
        `- ${mdCode(a.pattern.source)}${a.envs ? ` (${a.envs.map(mdText).join(', ')})` : ''}: ${mdText(allowReason(input, a.index) ?? '')}`,
      );
    }
    out.push('');
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}
