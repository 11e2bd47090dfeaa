/**
 * `pypi`: PEP 440 versions and specifiers with packaging's meaning of each clause
 * (`./pep440.ts`), and pip's rules for one package's combined constraints: every clause must
 * hold, and pre-releases are admitted only when some clause names one (pip's rule, stricter
 * than packaging's `SpecifierSet.contains()`: docs/dependencies.md).
 */
import {
  clauseContains,
  clauseNamesPrerelease,
  compareVersions,
  type Pep440Clause,
  parseClause,
  parseVersion,
  stripPython,
} from './pep440.js';
import { Memo } from './memo.js';
import type { Ecosystem, Specifier, SpecifierParse } from './types.js';

const NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

const clauses = new Memo<Pep440Clause | null>();
const satisfied = new Memo<boolean>();

function clause(text: string): Pep440Clause | null {
  return clauses.get(text, () => parseClause(text));
}

function clauseProblem(c: string): string {
  if (c === '') return 'an empty clause (two commas, or a trailing comma)';
  if (/^[\^~](?!=)/.test(c)) return `"${c}" is npm syntax; PEP 440 writes compatible releases as ~=X.Y`;
  if (c === '*') return '"*" is not PEP 440; leave the specifier out (pip: any version) or write ">=0"';
  if (parseVersion(c)) return `"${c}" has no operator; an exact pin is written "==${c}"`;
  const m = /^(~=)\s*(.*)$/.exec(c);
  if (m && parseVersion(m[2])?.release.length === 1)
    return `"${c}": ~= needs at least two release segments (~=${m[2]}.0)`;
  if (/\+/.test(c) && !/^(==|!=|===)/.test(c))
    return `"${c}": a local version (+label) is only allowed with == and !=`;
  if (/\.\*$/.test(c) && !/^(==|!=)/.test(c)) return `"${c}": a .* wildcard is only allowed with == and !=`;
  if (/^(==|!=)/.test(c) && /\.\*$/.test(c))
    return `"${c}": a .* wildcard follows a release number only (==1.2.*), not a pre-, post-, dev- or local part`;
  return `"${c}" is not a valid PEP 440 specifier`;
}

function parseSpecifier(text: string): SpecifierParse {
  const t = stripPython(text);
  if (t === '')
    return { ok: true, spec: { text: '', kind: 'range', boundaries: [], clauses: [], prerelease: false } };
  const parts = t.split(',').map(stripPython);
  const boundaries: string[] = [];
  let pin: string | undefined;
  let prerelease = false;
  for (const p of parts) {
    const c = clause(p);
    if (!c) return { ok: false, message: clauseProblem(p) };
    // packaging's pattern lets `===` stand alone; as a pin on the empty string it only misleads.
    if (c.version === '') return { ok: false, message: `"${p}" names no version` };
    // A wildcard's boundaries are its prefix and the next one (==1.2.* spans 1.2.dev0 to 1.3.dev0).
    boundaries.push(c.wildcard ? c.version.slice(0, -2) : c.version);
    if (clauseNamesPrerelease(c)) prerelease = true;
    if ((c.operator === '==' && !c.wildcard) || c.operator === '===') pin = c.version;
  }
  return { ok: true, spec: { text: t, kind: 'range', pin, boundaries, clauses: parts, prerelease } };
}

/** One specifier against one version, with pip's pre-release rule decided by the caller. */
function satisfiesSpec(version: string, spec: Specifier, prereleases: boolean): boolean {
  if (!prereleases && parseVersion(version)?.isPrerelease) return false;
  return satisfied.get(`${prereleases ? 1 : 0}|${spec.text}|${version}`, () =>
    spec.clauses.every((text) => {
      const c = clause(text);
      return c !== null && clauseContains(c, version, prereleases);
    }),
  );
}

function prereleaseAllowed(specs: readonly Specifier[]): boolean {
  return specs.some((s) => s.prerelease);
}

function neighbours(boundary: string): string[] {
  const e = parseVersion(boundary);
  if (!e) return [];
  const ep = e.epoch ? `${e.epoch}!` : '';
  const r = e.release;
  const base = `${ep}${r.join('.')}`;
  const out = [e.public, base, `${base}.post1`, `${base}.dev0`, `${base}rc1`, `${ep}${[...r, 1].join('.')}`];
  for (let i = 0; i < r.length; i++) {
    const up = `${ep}${[...r.slice(0, i), r[i] + 1].join('.')}`;
    out.push(up, `${up}.dev0`);
    if (r[i] > 0) out.push(`${ep}${[...r.slice(0, i), r[i] - 1, 9999].join('.')}`);
  }
  if (e.pre) out.push(`${base}${e.pre.label}${e.pre.n + 1}`);
  if (e.post !== null) out.push(`${base}.post${e.post + 1}`);
  if (e.dev !== null) out.push(`${e.public.replace(/\.?dev\d*$/, '')}.dev${e.dev + 1}`);
  // The first development release of a pre- or post-release (1.0a2.dev0: just below 1.0a2).
  if ((e.pre || e.post !== null) && e.dev === null) out.push(`${e.public}.dev0`);
  // The first post-release of a pre-release (1.0rc1.post1: inside `<=1.0rc1.post1`, outside `>1.0rc1`).
  if (e.pre && e.post === null && e.dev === null) out.push(`${e.public}.post1`);
  return out;
}

/** Total: versions in PEP 440 order, then strings that are not versions (`===foobar`) by text. */
function compare(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x && y) return compareVersions(x, y);
  if (x || y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const pypi: Ecosystem = {
  name: 'pypi',
  syntax: 'PEP 440',
  pinExample: '==VERSION',
  normalizeName: (name) => name.toLowerCase().replace(/[-_.]+/g, '-'),
  isValidName: (name) => NAME.test(name),
  isVersion: (text) => parseVersion(text) !== null,
  parseSpecifier,
  satisfies(version, specifier) {
    const spec =
      typeof specifier === 'string' ? parseSpecifier(specifier) : { ok: true as const, spec: specifier };
    if (!spec.ok) return false;
    return satisfiesSpec(version, spec.spec, spec.spec.prerelease);
  },
  accepts(version, allowed, excluded = []) {
    const ranges = [...allowed, ...excluded].filter((s) => s.kind === 'range');
    const prereleases = prereleaseAllowed(ranges);
    const v = parseVersion(version);
    if (v ? v.isPrerelease && !prereleases : !allowed.some((s) => s.kind === 'range' && s.clauses.length > 0))
      return false;
    for (const s of allowed) {
      if (s.kind === 'range' && !satisfiesSpec(version, s, prereleases)) return false;
    }
    for (const s of excluded) {
      if (s.kind === 'range' && satisfiesSpec(version, s, prereleases)) return false;
    }
    return true;
  },
  neighbours,
  floor: ['0', '0.0.1', '0.1'],
  compare,
};
