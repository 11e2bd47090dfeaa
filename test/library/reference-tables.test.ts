/**
 * docs/reference.md's tables are the contract for exit codes and export error codes: every
 * value of `EXIT` (src/cli/exit-codes.ts) and every code of `EXPORT_ERROR_CODES`
 * (src/exporter/errors.ts) has a row, with the exit code `exportExitCode` gives it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, exportExitCode } from '../../src/cli/exit-codes.js';
import { EXPORT_ERROR_CODES } from '../../src/exporter/errors.js';
import { REPO } from '../helpers/cli.js';

/** The table rows (first cell, rest) under the heading `title`, up to the next heading. */
function tableUnder(markdown: string, title: string): { first: string; cells: string[] }[] {
  const start = markdown.indexOf(`\n${title}\n`);
  expect(start, `heading "${title}" in docs/reference.md`).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + title.length + 2);
  const end = rest.search(/^#{1,6}\s/m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1) // the header row
    .map((l) => {
      const cells = l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim());
      return { first: cells[0] ?? '', cells };
    });
}

const reference = readFileSync(join(REPO, 'docs', 'reference.md'), 'utf8');
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('docs/reference.md tables', () => {
  it('the exit-code table has a row for every EXIT value, and no other', () => {
    const rows = tableUnder(reference, '## Exit codes').map((r) => Number(r.first));
    expect(rows.sort((a, b) => a - b)).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b));
  });

  it("README's exit-code table has a row for every EXIT value, and no other", () => {
    const rows = tableUnder(readme, '### Exit codes').map((r) => Number(r.first));
    expect(rows.sort((a, b) => a - b)).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b));
  });

  it('the export error-code table has every code once, with the exit code it gets', () => {
    const rows = tableUnder(reference, '### Export error codes');
    const seen = new Map<string, string>();
    for (const r of rows) {
      for (const m of r.first.matchAll(/`([A-Z_]+)`/g)) {
        expect(seen.has(m[1]), `${m[1]} listed twice`).toBe(false);
        seen.set(m[1], r.cells[2] ?? '');
      }
    }
    expect([...seen.keys()].sort()).toEqual([...EXPORT_ERROR_CODES].sort());
    for (const code of EXPORT_ERROR_CODES) expect(seen.get(code), code).toBe(String(exportExitCode(code)));
  });
});
