/** A few source lines around a finding with a caret under its column (shown on a TTY). */
export function codeFrame(
  text: string,
  line: number,
  column: number,
  endColumn: number,
  paint: (s: string) => string,
): string {
  const lines = text.split(/\r?\n/);
  const from = Math.max(1, line - 1);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`  ${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) {
      const len = Math.max(
        1,
        Math.min(endColumn > column ? endColumn - column : 1, (lines[n - 1] ?? '').length - column + 1),
      );
      out.push(
        `    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}${paint('^'.repeat(Math.max(1, len)))}`,
      );
    }
  }
  return out.join('\n');
}
