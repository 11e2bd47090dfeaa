/**
 * Property: on generated overlays and manifests (redundant overrides in several quoting styles,
 * with comments; stale drift allowances; waivers that match nothing), applying the safe fixes
 * never introduces a finding, leaves none of the fixable ones, and a second run changes nothing.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import type { Finding } from '../../src/diagnostics/finding.js';
import { planFixes, writeFixes } from '../../src/fix/write-fixes.js';
import { EXAMPLE, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-autofix-');
afterAll(() => tmp.cleanup());

/** Scalars the example's base sets, under keys the prod overlay does not set. */
const SERVER = [
  ['host', '0.0.0.0'],
  ['port', '8080'],
  ['timeout', '30s'],
] as const;

/** A string in any quoting style; a number stays plain (quoted, it would be a string). */
const quoted = (v: string, style: number) =>
  style === 0 || /^\d+$/.test(v) ? v : style === 1 ? `'${v}'` : `"${v}"`;
const FIXABLE = new Set(['drift/redundant-override', 'drift/unused-allow', 'waiver/unused']);
const key = (f: Finding) => `${f.rule}|${f.env ?? ''}|${f.path ?? ''}`;

let n = 0;
function applyOnce(dir: string): { changed: boolean } {
  const result = checkProject({ cwd: dir });
  const plan = planFixes(result.findings, dir);
  expect(plan.refused).toEqual([]);
  return { changed: writeFixes(plan).length > 0 };
}

describe('autofix (property, bounded)', () => {
  it('never introduces a finding, removes every fixable one, and is idempotent', () => {
    const entry = fc.record({
      i: fc.integer({ min: 0, max: SERVER.length - 1 }),
      style: fc.integer({ min: 0, max: 2 }),
      comment: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (e) => e.i, maxLength: SERVER.length }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (redundant, staleAllows, staleWaivers) => {
          const dir = join(tmp.dir, `p${n++}`);
          cpSync(EXAMPLE, dir, { recursive: true });
          mkdirSync(join(dir, '.git'));
          const prod = join(dir, 'config/envs/prod.yaml');
          const lines = redundant.map(
            (e) =>
              `  ${SERVER[e.i][0]}: ${quoted(SERVER[e.i][1], e.style)}${e.comment ? '   # same as base' : ''}`,
          );
          if (lines.length > 0)
            writeFileSync(prod, `${readFileSync(prod, 'utf8')}server:\n${lines.join('\n')}\n`);
          const manifest = join(dir, 'exportctl.yaml');
          let m = readFileSync(manifest, 'utf8');
          const allows = Array.from(
            { length: staleAllows },
            (_, k) => `    - path: no.such.key${k}  # stale\n      reason: r${k}\n`,
          );
          m = m.replace(
            '  allow:                        # differences across environments that are not drift\n',
            (s) => s + allows.join(''),
          );
          for (let k = 0; k < staleWaivers; k++)
            m += `  - rule: server/nope${k}\n    reason: never matches\n`;
          writeFileSync(manifest, m);

          const before = checkProject({ cwd: dir }).findings;
          applyOnce(dir);
          const after = checkProject({ cwd: dir }).findings;
          const old = new Set(before.map(key));
          expect(after.filter((f) => !old.has(key(f)))).toEqual([]);
          expect(after.filter((f) => FIXABLE.has(f.rule))).toEqual([]);
          // The fixed files are the example's again, byte for byte.
          expect(readFileSync(prod, 'utf8')).toBe(
            readFileSync(join(EXAMPLE, 'config/envs/prod.yaml'), 'utf8'),
          );
          expect(readFileSync(manifest, 'utf8')).toBe(readFileSync(join(EXAMPLE, 'exportctl.yaml'), 'utf8'));
          // A second run changes nothing.
          expect(applyOnce(dir).changed).toBe(false);
        },
      ),
      { numRuns: 25, seed: 1919 },
    );
  }, 120_000);
});
