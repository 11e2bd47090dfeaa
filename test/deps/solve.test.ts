/**
 * The solver decides "no version satisfies these constraints" from boundary versions and
 * their neighbours (src/deps/solve.ts). Here it is checked against exhaustive search over a
 * large universe of real versions: whenever some version of the universe satisfies a random
 * set of constraints, the solver must find a witness too (no false "unsatisfiable"), and every
 * witness it returns must satisfy the constraints.
 */
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS, type Ecosystem, type Specifier } from '../../src/deps/ecosystems/index.js';
import { collidingClauses, findVersion, isSubset, minimalConflict } from '../../src/deps/solve.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function spec(eco: Ecosystem, text: string): Specifier {
  const p = eco.parseSpecifier(text);
  if (!p.ok) throw new Error(`${text}: ${p.message}`);
  return p.spec;
}

const PYPI_UNIVERSE: string[] = (() => {
  const out: string[] = [];
  for (let a = 0; a <= 3; a++)
    for (let b = 0; b <= 3; b++) {
      out.push(`${a}.${b}`);
      for (let c = 0; c <= 3; c++) {
        const v = `${a}.${b}.${c}`;
        out.push(v, `${v}rc1`, `${v}a2`, `${v}.post1`, `${v}.dev0`, `${v}+cu117`, `${v}.1`);
      }
    }
  out.push('1!0.1', '1!1.0', '1!2.0.post1', '0.14', '0.13.3', '0.11.3');
  return out;
})();

const NPM_UNIVERSE: string[] = (() => {
  const out: string[] = [];
  for (let a = 0; a <= 3; a++)
    for (let b = 0; b <= 3; b++)
      for (let c = 0; c <= 3; c++) {
        const v = `${a}.${b}.${c}`;
        out.push(v, `${v}-0`, `${v}-beta.1`, `${v}-rc.2`);
      }
  return out;
})();

function pypiClause(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const n = () => String(Math.floor(r() * 4));
  const v = () =>
    pick([
      `${n()}.${n()}`,
      `${n()}.${n()}.${n()}`,
      `${n()}.${n()}.${n()}rc1`,
      `${n()}.${n()}.post1`,
      `${n()}`,
    ]);
  const op = pick(['==', '!=', '>=', '<=', '>', '<', '~=', '==*', '!=*', '==local']);
  if (op === '==*') return `==${n()}.${n()}.*`;
  if (op === '!=*') return `!=${n()}.*`;
  if (op === '==local') return `==${n()}.${n()}.${n()}+cu117`;
  if (op === '~=') return `~=${n()}.${n()}${r() < 0.5 ? `.${n()}` : ''}`;
  return `${op}${v()}`;
}

function npmRange(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const n = () => String(Math.floor(r() * 4));
  const v = () => pick([`${n()}.${n()}.${n()}`, `${n()}.${n()}.${n()}-beta.1`, `${n()}.${n()}.${n()}-0`]);
  const one = (): string =>
    pick([
      `^${v()}`,
      `~${v()}`,
      `>=${v()} <${v()}`,
      `${n()}.x`,
      `${n()}.${n()}.x`,
      `${v()} - ${v()}`,
      `>${v()}`,
      `<=${v()}`,
      v(),
      `=${v()}`,
      '*',
    ]);
  return r() < 0.2 ? `${one()} || ${one()}` : one();
}

describe.each([
  [
    'pypi',
    PYPI_UNIVERSE,
    (r: () => number) => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pypiClause(r)).join(','),
  ],
  ['npm', NPM_UNIVERSE, npmRange],
] as const)('%s: the boundary search agrees with exhaustive search', (name, universe, gen) => {
  const eco = ECOSYSTEMS[name];
  it('finds a witness whenever one exists in the universe (random constraint sets)', () => {
    const sets = name === 'pypi' ? 300 : 1500;
    const r = rng(name === 'pypi' ? 440 : 2026);
    let satisfiableSets = 0;
    let emptySets = 0;
    for (let i = 0; i < sets; i++) {
      const texts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => gen(r));
      const specs = texts.map((t) => spec(eco, t));
      const excluded = r() < 0.3 ? [spec(eco, gen(r))] : [];
      const brute = universe.find((v) => eco.accepts(v, specs, excluded));
      const found = findVersion(eco, specs, excluded);
      if (found !== undefined)
        expect(eco.accepts(found, specs, excluded), `${found} for ${texts}`).toBe(true);
      if (brute !== undefined) {
        expect(
          found,
          `${texts.join(' & ')}${excluded.length ? ` minus ${excluded[0].text}` : ''}: ${brute} satisfies`,
        ).toBeDefined();
        satisfiableSets++;
      } else if (found === undefined) emptySets++;
    }
    // The generator must produce both kinds of sets, or the comparison proves nothing.
    expect(satisfiableSets).toBeGreaterThan(sets / 8);
    expect(emptySets).toBeGreaterThan(sets / 20);
  });
});

describe('the ML stack and its tokenizers clash', () => {
  const eco = ECOSYSTEMS.pypi;
  it('transformers 4.30 needs tokenizers <0.14: >=0.14 collides, and the colliding clauses are named', () => {
    const fromMatrix = spec(eco, '>=0.11.1,!=0.11.3,<0.14');
    const requirement = spec(eco, '>=0.14');
    expect(findVersion(eco, [fromMatrix, requirement])).toBeUndefined();
    const clauses = collidingClauses(eco, [requirement, fromMatrix], (s) => s);
    expect(clauses.map((c) => c.clause).sort()).toEqual(['<0.14', '>=0.14']);
    expect(findVersion(eco, [fromMatrix, spec(eco, '>=0.13,<0.14')])).toBe('0.13');
    expect(findVersion(eco, [fromMatrix, spec(eco, '==0.11.3')])).toBeUndefined();
  });

  it('a range that is wider than the matrix allows has a witness outside it', () => {
    const fromMatrix = spec(eco, '>=0.11.1,!=0.11.3,<0.14');
    expect(findVersion(eco, [spec(eco, '>=0.13')], [fromMatrix])).toBe('0.14');
    expect(findVersion(eco, [spec(eco, '>=0.11')], [spec(eco, '!=0.11.3')])).toBe('0.11.3');
    expect(isSubset(eco, [spec(eco, '==0.13.3')], fromMatrix)).toBe(true);
    expect(isSubset(eco, [spec(eco, '~=0.13.0')], fromMatrix)).toBe(true);
    expect(isSubset(eco, [spec(eco, '~=0.13')], fromMatrix)).toBe(false);
  });

  it('minimalConflict drops the constraints that take no part', () => {
    const items = ['>=0.10', '!=0.12.0', '>=0.14', '<0.14', '<1'].map((t) => spec(eco, t));
    expect(minimalConflict(eco, items, (s) => s).map((s) => s.text)).toEqual(['>=0.14', '<0.14']);
  });
});
