/** The first-hour outputs under odd terminals and odd project directories. */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fitColumns, terminalWidth, wrapWords } from '../../src/drift/format/fit.js';
import { EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('fitting the drift table', () => {
  it('path, values and gaps stay within the width (up to 4 environments, 60+ columns)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 60, max: 300 }),
        (path, values, verdict, width) => {
          const l = fitColumns({ path, values, verdict }, width);
          const row = l.path + l.values.reduce((a, w) => a + w + 2, 0);
          expect(row).toBeLessThanOrEqual(width);
          expect(l.verdictIndent + l.verdict).toBeLessThanOrEqual(width);
          expect(l.verdict).toBeGreaterThanOrEqual(Math.min(verdict, 20));
          for (const [i, w] of l.values.entries()) expect(w).toBeLessThanOrEqual(values[i]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('wrapping keeps every character and respects the width, even for one long word', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (text, width) => {
        const lines = wrapWords(text, width);
        for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
        expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
    );
  });

  it('COLUMNS that is not a usable width falls back to the terminal, then 80', () => {
    const saved = process.env.COLUMNS;
    try {
      for (const bad of ['abc', '5', '-100', '1e9x', '']) {
        process.env.COLUMNS = bad;
        expect(terminalWidth({ isTTY: false })).toBe(80);
        expect(terminalWidth({ isTTY: true, columns: 132 })).toBe(132);
      }
      process.env.COLUMNS = '100';
      expect(terminalWidth({ isTTY: true, columns: 132 })).toBe(100);
    } finally {
      if (saved === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = saved;
    }
  });

  it('a 20-column terminal: no crash, every path whole', () => {
    const r = runCli(['drift', '--all'], { cwd: EXAMPLE, env: { COLUMNS: '20' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('infrastructure.database.multi_az');
    expect(r.stderr).toBe('');
  });
});

describe('init and .gitignore', () => {
  it('leaves a .gitignore that is a directory or a symlink alone, and still scaffolds', () => {
    const asDir = join(tmp.dir, 'dir-ignore');
    mkdirSync(join(asDir, '.gitignore'), { recursive: true });
    const r = runCli(['init', asDir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\.gitignore is not a regular file; left alone/);
    expect(existsSync(join(asDir, 'exportctl.yaml'))).toBe(true);

    const outside = join(tmp.dir, 'outside.txt');
    writeFileSync(outside, 'mine\n');
    const viaLink = join(tmp.dir, 'link-ignore');
    mkdirSync(viaLink);
    symlinkSync(outside, join(viaLink, '.gitignore'));
    const l = runCli(['init', viaLink]);
    expect(l.code).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('mine\n');
  });
});
