/**
 * `--format github`: GitHub Actions workflow commands, one per finding, which the runner turns
 * into annotations on the pull request's diff — then the normal text report, because GitHub
 * shows only the first annotations of a step (10 per severity) and the log must hold them all.
 * Paths are relative to the repository root (the workspace GitHub resolves them against).
 * The text report holds messages unescaped, so it is fenced with `::stop-commands::`: a message
 * that carries a line like `::error::…` (a quoted YAML key may) is printed, never obeyed. The
 * fence's token is a hash of the report, which the report cannot contain.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../diagnostics/finding.js';
import { anchorOf } from './anchor.js';
import { mergeAcrossEnvs, messageWithEnvs } from './merge.js';
import type { ReportInput } from './report.js';
import { formatText } from './text.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escaping of a command's message (actions/toolkit `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a command's property values (actions/toolkit `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Secrets are already masked: formats are called through `FORMATTERS`, which redacts once. */
export function formatGithub(input: ReportInput): string {
  const lines: string[] = [];
  for (const item of mergeAcrossEnvs(input.findings)) {
    const f = item.finding;
    const a = anchorOf(item, input);
    const props: [string, string | number][] = [];
    if (a) {
      props.push(['file', a.rel], ['line', a.line]);
      if (a.exact) {
        // Columns only within one line: GitHub drops annotations whose columns span lines.
        if (a.endLine === a.line) {
          props.push(
            ['col', a.column],
            ['endLine', a.endLine],
            ['endColumn', Math.max(a.column, a.endColumn - 1)],
          );
        } else props.push(['endLine', a.endLine]);
      }
    }
    props.push(['title', f.rule]);
    const list = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
    lines.push(`::${COMMAND[f.severity]} ${list}::${escapeData(messageWithEnvs(item))}`);
  }
  const text = formatText({ ...input, codeFrames: false });
  const token = createHash('sha256').update(text).digest('hex').slice(0, 32);
  const fenced = `::stop-commands::${token}\n${text}::${token}::\n`;
  return lines.length > 0 ? `${lines.join('\n')}\n${fenced}` : fenced;
}
