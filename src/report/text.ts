/**
 * `--format text`: `path:line:col  severity  message  rule-id`, grouped by file, a code frame
 * on a TTY, and a summary line. The same finding in several environments is shown once
 * with the environments listed, and the summary counts the lines shown.
 */
import type { Finding } from '../diagnostics/finding.js';
import { codeFrame } from './code-frame.js';
import { mergeAcrossEnvs } from './merge.js';
import { type ReportInput, relativeFile } from './report.js';
import { countsPhrase, problemCounts } from './summary.js';
import { palette } from './ansi.js';

/** Secrets are already masked: formats are called through `FORMATTERS`, which redacts once. */
export function formatText(input: ReportInput): string {
  const paint = palette(input.color);
  const sevColor = { error: paint.red, warning: paint.yellow, info: paint.cyan };

  const items = mergeAcrossEnvs(input.findings);
  const groups = new Map<string, { f: Finding; envs: string[] }[]>();
  for (const { finding: f, envs } of items) {
    const file = f.location ? relativeFile(input.cwd, f.location.file) : '(project)';
    const list = groups.get(file) ?? [];
    list.push({ f, envs });
    groups.set(file, list);
  }

  const out: string[] = [];
  const sources = new Map<string, string | undefined>();
  for (const [file, items] of groups) {
    for (const { f, envs } of items) {
      const pos = f.location ? `${file}:${f.location.line}:${f.location.column}` : file;
      const where = envs.length > 0 ? ` ${paint.gray(`[${envs.join(', ')}]`)}` : '';
      const existing = f.baselineState === 'unchanged' ? ` ${paint.gray('(existing)')}` : '';
      out.push(
        `${pos}  ${sevColor[f.severity](f.severity)}  ${f.message}${where}${existing}  ${paint.gray(f.rule)}`,
      );
      // Edits a human chooses between (never applied by --fix).
      for (const s of f.suggestions ?? []) out.push(`    ${paint.gray(`suggestion: ${s.description}`)}`);
      if (input.codeFrames && f.location && input.readSource) {
        const abs = f.location.file;
        if (!sources.has(abs)) sources.set(abs, input.readSource(abs));
        const text = sources.get(abs);
        if (text !== undefined) {
          out.push(
            codeFrame(text, f.location.line, f.location.column, f.location.endColumn, sevColor[f.severity]),
          );
        }
      }
    }
    out.push('');
  }

  // One count per line shown: a finding repeated in several environments is one problem.
  const c = problemCounts(input.findings);
  const nFiles = input.files.length;
  const scope = `${nFiles} file${nFiles === 1 ? '' : 's'}${input.envs.length > 0 ? `, ${input.envs.length} environment${input.envs.length === 1 ? '' : 's'}` : ''}`;
  if (c.errors + c.warnings + c.infos === 0) {
    out.push(`${paint.green('✔')} no problems (${scope})`);
  } else {
    const mark = c.errors > 0 ? paint.red('✖') : paint.yellow('⚠');
    out.push(`${mark} ${countsPhrase(c)} (${scope})`);
  }
  // check --new-since / --baseline: only the new ones decide the exit code.
  if (input.findings.some((f) => f.baselineState !== undefined)) {
    const fresh = problemCounts(input.findings.filter((f) => f.baselineState === 'new'));
    out.push(`  new: ${countsPhrase(fresh)}; the rest existed at the base`);
  }
  return `${out.join('\n')}\n`;
}
