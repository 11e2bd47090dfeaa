/**
 * The `.gitignore` lines `exportctl init` wants in a project: what exportctl writes at run
 * time (the exporter's state and checkpoints, the exports, `synth`'s Terraform JSON) has no
 * place in version control. Pure: the existing text in, the text to write out.
 */

/** Paths relative to the project directory (the `.gitignore`'s own directory). */
export const IGNORED_PATHS = [
  '/.exportctl/', // the exporter's state database and checkpoints
  '/exports/', // export.output.dir of the scaffold
  '/cdktf.out/', // `exportctl synth`'s default --out
] as const;

const HEADING = '# exportctl: run-time state, exports and synthesized Terraform';

/** `/exports/`, `exports/`, `exports` and `/exports` ignore the same directory here. */
function normalise(line: string): string {
  return line.trim().replace(/^\//, '').replace(/\/$/, '');
}

/**
 * The new `.gitignore` text, or `undefined` when it already ignores every path (left as it
 * is). An existing file is never rewritten: missing lines are appended under a heading.
 */
export function gitignoreText(existing: string | undefined): string | undefined {
  const present = new Set((existing ?? '').split(/\r?\n/).map(normalise));
  const missing = IGNORED_PATHS.filter((p) => !present.has(normalise(p)));
  if (missing.length === 0) return undefined;
  const block = `${HEADING}\n${missing.join('\n')}\n`;
  if (existing === undefined || existing === '') return block;
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${block}`;
}
