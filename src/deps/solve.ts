/**
 * Deciding questions about sets of versions without a package index.
 *
 * Each specifier clause is a comparison against one version (PEP 440 `>=0.14`, `!=0.11.3`,
 * `==2.12.*`; semver `<2.0.0-0`), so the versions a conjunction of specifiers (and negations
 * of specifiers) admits form a union of intervals whose ends are those clauses' versions: the
 * *boundaries*. Between two neighbouring boundaries every version is treated alike. So the
 * set is empty exactly when no boundary, and no version strictly between or beyond the
 * boundaries, is admitted; we try every boundary and the versions next to it that the
 * ecosystem generates (`neighbours`: the next and previous release at each position, `.post1`,
 * `.dev0`, `rc1`, `-0`…), judged by the ecosystem's own `satisfies`. A witness found this way
 * is a real version that proves the set non-empty; test/deps/solve.test.ts checks against an
 * exhaustive search over thousands of versions that no admitted version is ever missed.
 */
import type { Ecosystem, Specifier } from './ecosystems/index.js';

function candidates(eco: Ecosystem, specs: readonly Specifier[]): { boundaries: string[]; near: string[] } {
  const boundaries = new Set<string>();
  for (const s of specs) for (const b of s.boundaries) boundaries.add(b);
  const near = new Set<string>(eco.floor);
  for (const b of boundaries) for (const n of eco.neighbours(b)) near.add(n);
  for (const b of boundaries) near.delete(b);
  const sorted = (xs: Iterable<string>) =>
    [...xs].filter((v) => eco.isVersion(v)).sort((a, b) => eco.compare(a, b));
  // `===` clauses may name versions that are not PEP 440 (`===foobar`): they stay candidates.
  return { boundaries: [...boundaries], near: sorted(near) };
}

/**
 * Versions in the ecosystem's order, then strings that are not versions (`===foobar`) by
 * text: `compare` is only ever asked about two versions.
 */
function byVersion(eco: Ecosystem, a: string, b: string): number {
  const x = eco.isVersion(a);
  const y = eco.isVersion(b);
  if (x && y) return eco.compare(a, b);
  if (x !== y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A version admitted by every `allowed` specifier and by none of `excluded`, or undefined
 * when there is none. Boundary versions are preferred as witnesses (they read best:
 * "allows 0.14"), then the lowest neighbour.
 */
export function findVersion(
  eco: Ecosystem,
  allowed: readonly Specifier[],
  excluded: readonly Specifier[] = [],
): string | undefined {
  // An exact pin admits one version (pypi: and its local builds, which are boundaries when
  // any clause names them, and otherwise behave as the public version does).
  const pinned = allowed.find((s) => s.pin !== undefined);
  if (pinned) {
    const all = [...allowed, ...excluded].flatMap((s) => s.boundaries);
    const tries = [pinned.pin!, ...all.filter((b) => b !== pinned.pin && eco.satisfies(b, pinned))];
    return tries.find((v) => eco.accepts(v, allowed, excluded));
  }
  const { boundaries, near } = candidates(eco, [...allowed, ...excluded]);
  const ordered = [...boundaries].sort((a, b) => byVersion(eco, a, b));
  for (const v of ordered) if (eco.accepts(v, allowed, excluded)) return v;
  for (const v of near) if (eco.accepts(v, allowed, excluded)) return v;
  return undefined;
}

/** Whether some version satisfies every specifier at once. */
export function satisfiable(eco: Ecosystem, specs: readonly Specifier[]): boolean {
  return findVersion(eco, specs) !== undefined;
}

/** Whether every version `inner` admits is admitted by `outer` (`inner ⊆ outer`). */
export function isSubset(eco: Ecosystem, inner: readonly Specifier[], outer: Specifier): boolean {
  return findVersion(eco, inner, [outer]) === undefined;
}

/**
 * A smallest subset of `items` whose specifiers still have no common version (deletion
 * filter: drop each item in turn and keep it out when the rest still collide). Call only on
 * an unsatisfiable set. Linear in items, each step one `findVersion`.
 */
export function minimalConflict<T>(eco: Ecosystem, items: readonly T[], specOf: (t: T) => Specifier): T[] {
  let core = [...items];
  for (let i = core.length - 1; i >= 0; i--) {
    const without = core.filter((_, j) => j !== i);
    if (without.length > 0 && !satisfiable(eco, without.map(specOf))) core = without;
  }
  return core;
}

/** One clause of a specifier, parsed on its own, remembering whose it is. */
export interface ClauseOf<T> {
  owner: T;
  clause: string;
  spec: Specifier;
}

/**
 * The clauses that collide, when the colliding specifiers are split into clauses
 * (`>=0.14` against `<0.14` of `>=0.11.1,!=0.11.3,<0.14`). Falls back to whole specifiers
 * when splitting changes the meaning (npm judges pre-releases per range).
 */
export function collidingClauses<T>(
  eco: Ecosystem,
  items: readonly T[],
  specOf: (t: T) => Specifier,
): ClauseOf<T>[] {
  const parts: ClauseOf<T>[] = [];
  for (const owner of items) {
    const spec = specOf(owner);
    if (spec.clauses.length <= 1) {
      parts.push({ owner, clause: spec.text, spec });
      continue;
    }
    for (const clause of spec.clauses) {
      const p = eco.parseSpecifier(clause);
      if (!p.ok) return items.map((o) => ({ owner: o, clause: specOf(o).text, spec: specOf(o) }));
      // pip admits pre-releases for the whole set when one clause names one: keep that.
      parts.push({ owner, clause, spec: { ...p.spec, prerelease: p.spec.prerelease || spec.prerelease } });
    }
  }
  if (
    satisfiable(
      eco,
      parts.map((p) => p.spec),
    )
  ) {
    return items.map((o) => ({ owner: o, clause: specOf(o).text, spec: specOf(o) }));
  }
  return minimalConflict(eco, parts, (p) => p.spec);
}
