import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePackageLock } from '../../src/deps/lockfile/package-lock.js';

const DIR = join(import.meta.dirname, 'fixtures', 'npm');

describe('package-lock.json (v2/v3)', () => {
  const lock = parsePackageLock(join(DIR, 'package-lock.json'));

  it('top-level installed packages are pinned requirements, each at its "version" line', () => {
    expect(lock.findings).toEqual([]);
    expect(
      lock.requirements.map(
        (r) => `${r.name}@${r.specifier}:${r.location.line}:${r.location.column}${r.dev ? ' dev' : ''}`,
      ),
    ).toEqual([
      '@types/node@20.1.0:19:18 dev',
      'cookie@0.5.0:24:18',
      'debug@2.6.9:31:18',
      'express@4.18.2:42:18',
      'lodash@4.17.21:51:18',
      'ms@2.1.3:55:18',
    ]);
  });

  it("what packages declare becomes edges to the copy npm loads (debug's nested ms is not the top-level one)", () => {
    expect(lock.dependencies.map((d) => `${d.from}->${d.to} ${d.range} :${d.location.line}`)).toEqual([
      'express->cookie 0.5.0 :45',
      'express->debug 2.6.9 :46',
      'express->ms ^2.1.0 :47',
    ]);
  });

  it('lockfileVersion 1 is refused at its line', () => {
    const v1 = parsePackageLock(join(DIR, 'v1-lock.json'));
    expect(v1.findings).toEqual([
      expect.objectContaining({
        rule: 'deps/syntax',
        location: expect.objectContaining({ line: 3, column: 22 }),
      }),
    ]);
    expect(v1.findings[0].message).toMatch(/lockfileVersion 1 is not supported/);
  });

  it('JSON that npm would refuse (a trailing comma) is a finding with its position, not an exception', () => {
    const bad = parsePackageLock(join(DIR, 'bad-json-lock.json'));
    expect(bad.requirements).toEqual([]);
    expect(bad.findings).toHaveLength(1);
    expect(bad.findings[0]).toMatchObject({ rule: 'deps/syntax', location: { line: 5, column: 45 } });
    expect(bad.findings[0].message).toMatch(/not valid JSON/);
  });

  it('a missing lock is io/read where it is named', () => {
    const statedAt = { file: '/p/config/base.yaml', line: 3, column: 13, endLine: 3, endColumn: 30 };
    const r = parsePackageLock(join(DIR, 'nope.json'), statedAt);
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'io/read', location: statedAt })]);
  });
});
