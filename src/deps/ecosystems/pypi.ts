/**
 * `pypi`: PEP 440 versions and specifiers through `@renovatebot/pep440` (a port of Python's
 * `packaging`). pip's rules for one package's combined constraints: every clause must hold,
 * and pre-releases are admitted only when some clause names one.
 */
import * as pep440 from '@renovatebot/pep440';
import type { Ecosystem, Specifier, SpecifierParse } from './types.js';

const CLAUSE = new RegExp(`^${pep440.RANGE_PATTERN}$`, 'i');
const NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

interface ExplainedVersion {
  epoch: number;
  release: number[];
  pre: (string | number)[] | null;
  post: unknown;
  dev: unknown;
  local: string | null;
  public: string;
  is_prerelease: boolean;
}

/**
 * Memo of pure results (parsing a PEP 440 version is the solver's main cost): bounded, and
 * only ever holding what the library would compute again for the same input.
 */
class Memo<V> {
  readonly #map = new Map<string, V>();
  get(key: string, compute: () => V): V {
    const hit = this.#map.get(key);
    if (hit !== undefined || this.#map.has(key)) return hit as V;
    if (this.#map.size >= 50_000) this.#map.clear();
    const v = compute();
    this.#map.set(key, v);
    return v;
  }
}

const explained = new Memo<ExplainedVersion | null>();
const satisfied = new Memo<boolean>();
const compared = new Memo<number>();

function explain(v: string): ExplainedVersion | null {
  return explained.get(v, () => pep440.explain(v) as unknown as ExplainedVersion | null);
}

/** The number of a post or dev segment: packaging versions differ in whether it is `n` or `['post', n]`. */
function segmentNumber(seg: unknown): number | undefined {
  if (typeof seg === 'number') return seg;
  if (Array.isArray(seg) && typeof seg[seg.length - 1] === 'number') return seg[seg.length - 1] as number;
  return undefined;
}

function clauseProblem(clause: string): string {
  const c = clause.trim();
  if (c === '') return 'an empty clause (two commas, or a trailing comma)';
  if (/^[\^~](?!=)/.test(c)) return `"${c}" is npm syntax; PEP 440 writes compatible releases as ~=X.Y`;
  if (c === '*') return '"*" is not PEP 440; leave the specifier out (pip: any version) or write ">=0"';
  if (pep440.valid(c)) return `"${c}" has no operator; an exact pin is written "==${c}"`;
  const m = /^(~=)\s*(.*)$/.exec(c);
  if (m && pep440.valid(m[2]) && explain(m[2])?.release.length === 1)
    return `"${c}": ~= needs at least two release segments (~=${m[2]}.0)`;
  if (/\+/.test(c) && !/^(==|!=|===)/.test(c))
    return `"${c}": a local version (+label) is only allowed with == and !=`;
  if (/\.\*$/.test(c) && !/^(==|!=)/.test(c)) return `"${c}": a .* wildcard is only allowed with == and !=`;
  return `"${c}" is not a valid PEP 440 specifier`;
}

function parseSpecifier(text: string): SpecifierParse {
  const t = text.trim();
  if (t === '')
    return { ok: true, spec: { text: '', kind: 'range', boundaries: [], clauses: [], prerelease: false } };
  const clauses = t.split(',').map((c) => c.trim());
  const boundaries: string[] = [];
  let pin: string | undefined;
  let prerelease = false;
  for (const c of clauses) {
    const m = CLAUSE.exec(c);
    if (!m?.groups || !pep440.validRange(c)) return { ok: false, message: clauseProblem(c) };
    const { operator, version, prefix, legacy } = m.groups;
    const v = version ?? legacy;
    boundaries.push(v);
    if (version && explain(version)?.is_prerelease) prerelease = true;
    if ((operator === '==' && !prefix) || operator === '===') pin = v;
  }
  return { ok: true, spec: { text: t, kind: 'range', pin, boundaries, clauses, prerelease } };
}

/** `==V+label` / `!=V+label`: a clause naming a local version. */
const LOCAL_CLAUSE = /^(==|!=)(?!=)\s*([^*\s]+\+[^*\s]+)$/;

function sameLocal(a: string | null, b: string | null): boolean {
  const norm = (l: string | null) =>
    (l ?? '')
      .split('.')
      .map((seg) => (/^\d+$/.test(seg) ? String(Number(seg)) : seg))
      .join('.');
  return norm(a) === norm(b);
}

/**
 * PEP 440: "If the specified version identifier is a local version, then both the public
 * version and the local label must match". @renovatebot/pep440 4.x (the release main pins,
 * for Node 20) drops the labels on both sides (`==1.13.0+cu117` admits `1.13.0+cu118`), so
 * local clauses are judged here, from the library's own parse of both versions.
 */
function satisfiesLocalClause(version: string, clause: string): boolean {
  const m = LOCAL_CLAUSE.exec(clause);
  if (!m) return true;
  const v = explain(version);
  const w = explain(m[2]);
  const equal = v !== null && w !== null && pep440.eq(v.public, w.public) && sameLocal(v.local, w.local);
  return m[1] === '==' ? equal : !equal;
}

/** One specifier against one version, with pip's pre-release rule decided by the caller. */
function satisfiesSpec(version: string, spec: Specifier, prereleases: boolean): boolean {
  return satisfied.get(`${prereleases ? 1 : 0}|${spec.text}|${version}`, () =>
    satisfiesSpecNow(version, spec, prereleases),
  );
}

function satisfiesSpecNow(version: string, spec: Specifier, prereleases: boolean): boolean {
  const local = spec.clauses.filter((c) => LOCAL_CLAUSE.test(c));
  if (local.length === 0) return pep440.satisfies(version, spec.text, { prereleases });
  const rest = spec.clauses.filter((c) => !LOCAL_CLAUSE.test(c)).join(',');
  return (
    pep440.satisfies(version, rest, { prereleases }) && local.every((c) => satisfiesLocalClause(version, c))
  );
}

function prereleaseAllowed(specs: readonly Specifier[]): boolean {
  return specs.some((s) => s.prerelease);
}

function neighbours(boundary: string): string[] {
  const e = explain(boundary);
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
  if (e.pre && typeof e.pre[1] === 'number') out.push(`${base}${e.pre[0]}${e.pre[1] + 1}`);
  const post = segmentNumber(e.post);
  if (post !== undefined) out.push(`${base}.post${post + 1}`);
  const dev = segmentNumber(e.dev);
  if (dev !== undefined) out.push(`${e.public.replace(/\.?dev\d*$/, '')}.dev${dev + 1}`);
  return out;
}

export const pypi: Ecosystem = {
  name: 'pypi',
  syntax: 'PEP 440',
  pinExample: '==VERSION',
  normalizeName: (name) => name.toLowerCase().replace(/[-_.]+/g, '-'),
  isValidName: (name) => NAME.test(name),
  isVersion: (text) => explain(text) !== null,
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
    const e = explain(version);
    if (!e || (e.is_prerelease && !prereleases)) return false;
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
  compare: (a, b) => compared.get(`${a}|${b}`, () => pep440.compare(a, b)),
};
