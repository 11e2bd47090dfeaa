/**
 * PEP 440 versions and specifier clauses, with the rules of pypa/packaging (the reference
 * implementation pip uses). `@renovatebot/pep440` parses and orders versions; the meaning of
 * each operator is decided here, because the library gets the exclusive comparisons wrong
 * (its `>1.0rc1` rejects `1.0`, its `<1.0.post1` rejects `1.0`) and ignores local labels on
 * `==`/`===`. test/deps/pep440-conformance.test.ts runs packaging's own test tables against
 * this module.
 *
 * Every function here is total: a string that is not a version is `null` from
 * `parseVersion`, `false` from `clauseContains`, never an exception.
 */
import * as lib from '@renovatebot/pep440';
import { Memo } from './memo.js';

/** Python's `\s` / `str.strip()` whitespace, which packaging trims around versions and clauses. */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const ONE_SPACE = new RegExp(`^[${PY_SPACE}]$`);
/** Version text longer than this is refused (packaging bounds it too; the parse is linear anyway). */
const MAX_VERSION = 1024;

/** Python's `str.strip()`, in linear time (a `\s+$` regex backtracks on long inner runs). */
export function stripPython(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && ONE_SPACE.test(text[start])) start++;
  while (end > start && ONE_SPACE.test(text[end - 1])) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

export interface Pep440Version {
  /** As given, without surrounding whitespace. */
  text: string;
  epoch: number;
  release: number[];
  pre: { label: 'a' | 'b' | 'rc'; n: number } | null;
  post: number | null;
  dev: number | null;
  local: string | null;
  /** Normalised, without the local label. */
  public: string;
  isPrerelease: boolean;
  isPostrelease: boolean;
  isDevrelease: boolean;
}

interface LibParse {
  epoch: number;
  release: number[];
  pre: [string, number] | null;
  post: [string, number] | null;
  dev: [string, number] | null;
  local: (string | number)[] | null;
}

const parsed = new Memo<Pep440Version | null>();

export function parseVersion(input: string): Pep440Version | null {
  if (typeof input !== 'string' || input.length > MAX_VERSION) return null;
  return parsed.get(input, () => parseNow(input));
}

function parseNow(input: string): Pep440Version | null {
  const text = stripPython(input);
  const p = (lib.parse as (v: string) => LibParse | null)(text);
  if (!p) return null;
  // Numbers past 2^53 lose precision in the library's Number(): refuse rather than misorder.
  if (
    [p.epoch, ...p.release, p.pre?.[1], p.post?.[1], p.dev?.[1]].some(
      (n) => n !== undefined && !Number.isSafeInteger(n),
    )
  )
    return null;
  const pre = p.pre ? { label: p.pre[0] as 'a' | 'b' | 'rc', n: p.pre[1] } : null;
  const v: Omit<Pep440Version, 'public'> = {
    text,
    epoch: p.epoch,
    release: p.release,
    pre,
    post: p.post ? p.post[1] : null,
    dev: p.dev ? p.dev[1] : null,
    local: p.local ? p.local.map(String).join('.') : null,
    isPrerelease: p.pre !== null || p.dev !== null,
    isPostrelease: p.post !== null,
    isDevrelease: p.dev !== null,
  };
  return { ...v, public: format(v) };
}

/** The normalised public version for these parts (no local label). */
function format(v: Pick<Pep440Version, 'epoch' | 'release' | 'pre' | 'post' | 'dev'>): string {
  return [
    v.epoch !== 0 ? `${v.epoch}!` : '',
    v.release.join('.'),
    v.pre ? `${v.pre.label}${v.pre.n}` : '',
    v.post !== null ? `.post${v.post}` : '',
    v.dev !== null ? `.dev${v.dev}` : '',
  ].join('');
}

function withLocal(v: Pep440Version): string {
  return v.local === null ? v.public : `${v.public}+${v.local}`;
}

const compared = new Memo<number>();

/** The library's order of two normalised, valid versions (memoised: the solver's main cost). */
function compareText(a: string, b: string): number {
  return compared.get(`${a}|${b}`, () => Math.sign(lib.compare(a, b)));
}

/** PEP 440 ordering (the library's, which follows packaging's sort key), local labels included. */
export function compareVersions(a: Pep440Version, b: Pep440Version): number {
  return compareText(withLocal(a), withLocal(b));
}

function comparePublic(a: Pep440Version, b: Pep440Version): number {
  return compareText(a.public, b.public);
}

function trimmed(release: readonly number[]): number[] {
  let end = release.length;
  while (end > 1 && release[end - 1] === 0) end--;
  return release.slice(0, end);
}

function sameRelease(a: Pep440Version, b: Pep440Version): boolean {
  if (a.epoch !== b.epoch) return false;
  const x = trimmed(a.release);
  const y = trimmed(b.release);
  return x.length === y.length && x.every((n, i) => n === y[i]);
}

function samePre(a: Pep440Version, b: Pep440Version): boolean {
  return a.pre?.label === b.pre?.label && a.pre?.n === b.pre?.n;
}

/** A version built from parts (the bounds packaging derives: `V.dev0`, the next prefix). */
function versionOf(parts: Pick<Pep440Version, 'epoch' | 'release' | 'pre' | 'post' | 'dev'>): Pep440Version {
  return parseVersion(format(parts)) as Pep440Version;
}

export type Pep440Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

export interface Pep440Clause {
  /** As written, without surrounding whitespace. */
  text: string;
  operator: Pep440Operator;
  /** The version as written after the operator (`2.0.*` keeps its wildcard; `===` any string). */
  version: string;
  wildcard: boolean;
  /** The version compared against (for `==V.*`, V); null only for `===` on a non-version. */
  target: Pep440Version | null;
}

// packaging's Specifier._specifier_regex_str, clause for clause.
const PRE = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST = '(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const S = `[${PY_SPACE}]*`;
const CLAUSE_PATTERNS: [RegExp, Pep440Operator[]][] = [
  [new RegExp(`^(===)${S}([^${PY_SPACE};)]*)$`, 'i'), ['===']],
  [
    new RegExp(
      `^(==|!=)${S}(v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL}))$`,
      'i',
    ),
    ['==', '!='],
  ],
  [new RegExp(`^(~=)${S}(v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV})$`, 'i'), ['~=']],
  [
    new RegExp(`^(<=|>=|<|>)${S}(v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*${PRE}${POST}${DEV})$`, 'i'),
    ['<=', '>=', '<', '>'],
  ],
];

/** One clause (`>=1.0`, `==2.0.*`, `===foobar`), or null when packaging would refuse it. */
export function parseClause(input: string): Pep440Clause | null {
  if (typeof input !== 'string' || input.length > MAX_VERSION + 8) return null;
  const text = stripPython(input);
  for (const [re] of CLAUSE_PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const operator = m[1] as Pep440Operator;
    const version = m[2];
    const wildcard = version.endsWith('.*');
    const target = parseVersion(wildcard ? version.slice(0, -2) : version);
    if (target === null && operator !== '===') return null; // a number past 2^53
    return { text, operator, version, wildcard, target };
  }
  return null;
}

/**
 * Whether the clause names a pre-release (packaging's `Specifier.prereleases`): `!=` and
 * `==V.*` never do, `===` on a non-version does not, otherwise the version is a pre-release.
 */
export function clauseNamesPrerelease(c: Pep440Clause): boolean {
  if (c.operator === '!=' || c.wildcard) return false;
  return c.target?.isPrerelease ?? false;
}

/**
 * Whether `version` satisfies the clause. `prereleases`: whether a pre-release may match at
 * all (the caller's policy: packaging's `prereleases=`, pip's "some clause names one").
 */
export function clauseContains(c: Pep440Clause, version: string, prereleases: boolean): boolean {
  if (c.operator === '===') {
    // Arbitrary equality compares the strings themselves (case-insensitively), local label and all.
    if (version.toLowerCase() !== c.version.toLowerCase()) return false;
    return prereleases || !(parseVersion(version)?.isPrerelease ?? false);
  }
  const v = parseVersion(version);
  const t = c.target;
  if (v === null || t === null) return false;
  if (!prereleases && v.isPrerelease) return false;
  return matches(c, v, t);
}

function matches(c: Pep440Clause, v: Pep440Version, t: Pep440Version): boolean {
  switch (c.operator) {
    case '==':
    case '!=': {
      const equal = c.wildcard
        ? inPrefix(v, t)
        : t.local !== null
          ? compareVersions(v, t) === 0
          : comparePublic(v, t) === 0;
      return c.operator === '==' ? equal : !equal;
    }
    case '>=':
      return compareVersions(v, t) >= 0;
    case '<=':
      return comparePublic(v, t) <= 0;
    case '>':
      // `>V` excludes V's local versions, and V's post-releases unless V is one (or a dev release).
      if (comparePublic(v, t) <= 0) return false;
      if (t.post !== null || t.dev !== null) return true;
      return !(sameRelease(v, t) && samePre(v, t));
    case '<': {
      // `<V` excludes V's pre-releases unless V is one: the bound is V.dev0.
      const bound = t.isPrerelease ? t : versionOf({ ...t, dev: 0 });
      return compareVersions(v, bound) < 0;
    }
    case '~=': {
      const prefix = t.release.slice(0, -1);
      const upper = versionOf({
        epoch: t.epoch,
        release: nextRelease(prefix),
        pre: null,
        post: null,
        dev: 0,
      });
      return compareVersions(v, t) >= 0 && compareVersions(v, upper) < 0;
    }
    default:
      return false;
  }
}

function nextRelease(release: readonly number[]): number[] {
  return [...release.slice(0, -1), release[release.length - 1] + 1];
}

/** `==V.*`: V.dev0 <= v < (V with its last segment incremented).dev0 — zero padding included. */
function inPrefix(v: Pep440Version, base: Pep440Version): boolean {
  const lower = versionOf({ epoch: base.epoch, release: base.release, pre: null, post: null, dev: 0 });
  const upper = versionOf({
    epoch: base.epoch,
    release: nextRelease(base.release),
    pre: null,
    post: null,
    dev: 0,
  });
  return compareVersions(v, lower) >= 0 && compareVersions(v, upper) < 0;
}

/** packaging's `str(Version(text))`: the normalised form, local label included. */
export function normalizeVersion(text: string): string | null {
  const v = parseVersion(text);
  return v ? withLocal(v) : null;
}
