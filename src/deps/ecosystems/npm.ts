/**
 * `npm`: node-semver ranges (`^`, `~`, `x`, `||`, hyphen ranges, pre-releases) with npm's
 * rules: each dependent's range is judged on its own, and a pre-release satisfies a range
 * only when a comparator of the same [major, minor, patch] names a pre-release.
 */
import semver from 'semver';
import type { Ecosystem, SpecifierParse } from './types.js';

// npm's own name rules (validate-npm-package-name), without the legacy exceptions.
const NAME = /^(?:@[a-z0-9-*~][a-z0-9-*._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const TAG = /^[a-z][a-z0-9._-]*$/i;
const REFERENCE = /^(?:[a-z+]+:|[./~]|github:|git@|[\w.-]+\/[\w.-]+(?:#.*)?$)/i;

function parseSpecifier(text: string): SpecifierParse {
  const t = text.trim();
  const normalized = semver.validRange(t);
  if (normalized === null) {
    if (TAG.test(t) || REFERENCE.test(t)) {
      return {
        ok: true,
        spec: { text: t, kind: 'reference', boundaries: [], clauses: [t], prerelease: false },
      };
    }
    const hint = /^(==|~=|!=|===)/.test(t)
      ? ' (== and ~= are PEP 440 syntax; npm writes 1.2.3 or ~1.2.3)'
      : '';
    return { ok: false, message: `"${t}" is not a valid npm semver range${hint}` };
  }
  const range = new semver.Range(t);
  const comparators = range.set.flat();
  const boundaries = comparators
    .map((c) => (c.semver as semver.SemVer | undefined)?.version)
    .filter((v): v is string => typeof v === 'string' && v !== '');
  const only = range.set.length === 1 && range.set[0].length === 1 ? range.set[0][0] : undefined;
  const pin =
    only && (only.operator === '' || only.operator === '=') && typeof only.semver?.version === 'string'
      ? only.semver.version
      : undefined;
  const clauses = range.set.length === 1 ? range.set[0].map((c) => c.value || '*') : [t];
  const prerelease = comparators.some((c) => (c.semver?.prerelease?.length ?? 0) > 0);
  return { ok: true, spec: { text: t, kind: 'range', pin, boundaries, clauses, prerelease } };
}

function neighbours(boundary: string): string[] {
  const v = semver.parse(boundary);
  if (!v) return [];
  const release = `${v.major}.${v.minor}.${v.patch}`;
  const out = [v.version, release];
  for (const kind of ['patch', 'minor', 'major', 'prerelease'] as const) {
    const up = semver.inc(v.version, kind);
    if (up) out.push(up);
  }
  if (v.patch > 0) out.push(`${v.major}.${v.minor}.${v.patch - 1}`);
  if (v.minor > 0) out.push(`${v.major}.${v.minor - 1}.99999`);
  if (v.major > 0) out.push(`${v.major - 1}.99999.99999`);
  if (v.prerelease.length === 0) out.push(`${release}-0`);
  return out;
}

export const npm: Ecosystem = {
  name: 'npm',
  syntax: 'npm semver',
  pinExample: 'VERSION, not a range',
  normalizeName: (name) => name,
  isValidName: (name) => NAME.test(name) && name.length <= 214,
  isVersion: (text) => semver.valid(text) !== null,
  parseSpecifier,
  satisfies(version, specifier) {
    const text = typeof specifier === 'string' ? specifier : specifier.text;
    try {
      return semver.satisfies(version, text);
    } catch {
      return false;
    }
  },
  accepts(version, allowed, excluded = []) {
    const v = semver.parse(version);
    if (!v) return false;
    const ranges = allowed.filter((s) => s.kind === 'range');
    // A pre-release is chosen only when a range that admits it asks for it.
    if (v.prerelease.length > 0 && ranges.length === 0) return false;
    for (const s of ranges) if (!semver.satisfies(v, s.text)) return false;
    for (const s of excluded) if (s.kind === 'range' && semver.satisfies(v, s.text)) return false;
    return true;
  },
  neighbours,
  floor: ['0.0.0', '0.0.1', '0.1.0'],
  compare: (a, b) => semver.compare(a, b),
};
