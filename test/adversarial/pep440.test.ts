/**
 * PEP 440 edge cases from issue 20, end to end and through the pypi ecosystem: the exclusive
 * comparisons the library gets wrong, `.*` zero padding, `===` as an exact string match,
 * Python's whitespace around versions, and specifier paths that must never throw on strings
 * that are not versions (`===foobar`).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { pypi } from '../../src/deps/ecosystems/pypi.js';
import { findVersion, minimalConflict } from '../../src/deps/solve.js';
import { runCli } from '../helpers/cli.js';
import { cleanupProjects, writeProject } from '../deps/project.js';

afterAll(cleanupProjects);

function spec(text: string) {
  const p = pypi.parseSpecifier(text);
  if (!p.ok) throw new Error(`${text}: ${p.message}`);
  return p.spec;
}

describe('PEP 440 clauses as packaging judges them', () => {
  it.each([
    ['>1.0rc1', '1.0', true],
    ['>1.0rc1', '1.0rc2', true],
    ['>2.0a1', '2.0', true],
    ['>1.0.dev1', '1.0', true],
    ['<1.0.post1', '1.0', true],
    ['>1.0', '1.0.post1', false],
    ['>1.0', '1.0+local', false],
    ['>1.0', '1.0.1', true],
    ['>1.0.post1', '1.0.post2', true],
    ['<1.0', '1.0rc1', false],
    ['<1.0rc2', '1.0rc1', true],
    ['==2.0.*', '2', true],
    ['==2.*', '2.0.post1', true],
    ['===1.0', '1.0+local', false],
    ['===1.0+local', '1.0+LOCAL', true],
    ['===foobar', 'foobar', true],
    ['===foobar', '1.0', false],
  ])('%s against %s → %s', (s, v, expected) => {
    expect(pypi.accepts(v, [{ ...spec(s), prerelease: true }])).toBe(expected);
  });

  it('!=1.0.dev1 does not name a pre-release (pip admits none for it)', () => {
    expect(spec('!=1.0.dev1').prerelease).toBe(false);
    expect(pypi.satisfies('2.0rc1', '!=1.0.dev1')).toBe(false);
    expect(spec('>=1.0.dev1').prerelease).toBe(true);
  });

  it('==2.0a1.* is not a specifier, and the message says why', () => {
    const p = pypi.parseSpecifier('==2.0a1.*');
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(/wildcard follows a release number only/);
  });

  it('a bare === or == names no version', () => {
    for (const bare of ['===', '==', '=== ', '>=']) expect(pypi.parseSpecifier(bare).ok, bare).toBe(false);
  });

  it('versions and clauses padded with Python whitespace, non-breaking spaces included', () => {
    for (const pad of [' ', '\t', '\u00a0', '\u2003', '\u3000', '\x1f']) {
      expect(pypi.isVersion(`${pad}1.0${pad}`), JSON.stringify(pad)).toBe(true);
      expect(pypi.satisfies(`${pad}1.0${pad}`, `>=${pad}0.9`)).toBe(true);
    }
    // packaging strips Python's whitespace, and U+FEFF is not Python whitespace.
    expect(pypi.isVersion('\ufeff1.0')).toBe(false);
  });

  it('the solver finds 1.0 for >1.0rc1,<=1.0 and nothing for >1.0,<=1.0.post1', () => {
    expect(findVersion(pypi, [spec('>1.0rc1'), spec('<=1.0')])).toBe('1.0');
    expect(findVersion(pypi, [spec('>1.0,<=1.0.post1')])).toBeUndefined();
  });
});

describe('every specifier path is total', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('foobar', '1.0', '1.0rc1', '1!2.0+x', '99999999999999999999', '', ' '),
  );
  const op = fc.constantFrom('===', '==', '!=', '>=', '<=', '>', '<', '~=', '');

  it('random clauses and versions: satisfies, accepts and the solver answer without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(op, text), { minLength: 1, maxLength: 4 }), text, (clauses, version) => {
        const specs = clauses
          .map(([o, v]) => pypi.parseSpecifier(`${o}${v}`))
          .flatMap((p) => (p.ok ? [p.spec] : []));
        pypi.satisfies(version, clauses.map(([o, v]) => `${o}${v}`).join(','));
        pypi.accepts(version, specs);
        const w = findVersion(pypi, specs);
        if (w !== undefined) expect(pypi.accepts(w, specs)).toBe(true);
        else if (specs.length > 0) expect(minimalConflict(pypi, specs, (s) => s).length).toBeGreaterThan(0);
      }),
      { numRuns: 2000, seed: 440 },
    );
  });
});

describe('bounded time on long input', () => {
  it('100 000-character versions, clauses and specifiers are refused or judged in well under a second each', () => {
    const n = 100_000;
    const inputs = [
      `==1${'.1'.repeat(n / 2)}x`,
      `===${' '.repeat(n)}x`,
      `${' '.repeat(n)}1.0${'\u00a0'.repeat(n)}x`,
      `==1-${'-'.repeat(n)}`,
      `~=1.0${'a'.repeat(n)}`,
      '>=1.0,'.repeat(n / 6),
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      pypi.parseSpecifier(text);
      pypi.isVersion(text);
      pypi.satisfies(text, '>=1.0');
      expect(performance.now() - t0, text.slice(0, 20)).toBeLessThan(2_000);
    }
  });
});

describe('check, end to end', () => {
  it('an inline pin ==0.13.3 and tokenizers>0.13.3rc1 in requirements.txt check clean', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  lockfile: requirements.txt\n  requirements:\n    tokenizers: "==0.13.3"\n`,
      { 'requirements.txt': 'tokenizers>0.13.3rc1\n' },
    );
    const r = runCli(['check', '--env', 'dev', '--format', 'json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(JSON.parse(r.stdout).results).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('tokenizers===foobar beside an inline pin: a positioned finding and exit 1, never an internal error', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  lockfile: requirements.txt\n  requirements:\n    tokenizers: "==0.13.3"\n`,
      { 'requirements.txt': '# pins\ntokenizers===foobar\n' },
    );
    const r = runCli(['check', '--env', 'dev', '--format', 'json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error|Cannot destructure/);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      results: { rule: string; message: string; file: string; line: number }[];
    };
    expect(out.results.map((x) => `${x.rule} ${x.file}:${x.line}`)).toEqual([
      'deps/unsatisfiable config/base.yaml:18',
    ]);
    expect(out.results[0].message).toMatch(/"===foobar" \(requirement in requirements\.txt:2\)/);
  });
});
