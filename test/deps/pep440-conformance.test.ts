/**
 * Conformance with pypa/packaging, the reference PEP 440 implementation: every row of the
 * tables in test/deps/pep440-vectors/ (packaging's own tests/test_version.py and
 * tests/test_specifiers.py) runs against exportctl's PEP 440 code. A row listed in
 * divergences.json must still diverge (a fix removes it from the list); any other row must
 * agree, so a library upgrade that regresses fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  clauseNamesPrerelease,
  compareVersions,
  normalizeVersion,
  parseClause,
  parseVersion,
} from '../../src/deps/ecosystems/pep440.js';
import { pypi } from '../../src/deps/ecosystems/pypi.js';
import { findVersion } from '../../src/deps/solve.js';
import { evaluate, loadVectors, type Pep440Impl } from './pep440-vectors/evaluate.js';

function setOf(text: string, prereleases: boolean | null) {
  const p = pypi.parseSpecifier(text);
  if (!p.ok) return undefined;
  return prereleases === null ? p.spec : { ...p.spec, prerelease: prereleases };
}

const exportctl: Pep440Impl = {
  valid: (v) => parseVersion(v) !== null,
  normalized: normalizeVersion,
  flags(v) {
    const p = parseVersion(v);
    return p && { pre: p.isPrerelease, post: p.isPostrelease, dev: p.isDevrelease };
  },
  compare(a, b) {
    const x = parseVersion(a);
    const y = parseVersion(b);
    if (!x || !y) throw new Error('not a version');
    return compareVersions(x, y);
  },
  clauseValid: (c) => parseClause(c) !== null,
  namesPrerelease(c) {
    const p = parseClause(c);
    return p !== null && clauseNamesPrerelease(p);
  },
  contains(text, version, prereleases) {
    const spec = setOf(text, prereleases);
    return spec !== undefined && pypi.accepts(version, [spec]);
  },
  satisfiable(text, prereleases) {
    const spec = setOf(text, prereleases);
    return spec !== undefined && findVersion(pypi, [spec]) !== undefined;
  },
};

const divergences = JSON.parse(
  readFileSync(new URL('./pep440-vectors/divergences.json', import.meta.url), 'utf8'),
) as { rows: Record<string, string>; groups: Record<string, string> };

describe('PEP 440 conformance with pypa/packaging', () => {
  const results = evaluate(exportctl);
  const listed = new Set(Object.keys(divergences.rows));

  for (const r of results) {
    it(`${r.file}::${r.table}: ${r.rows - r.disagree.length}/${r.rows} rows agree, the rest are listed divergences`, () => {
      expect(r.rows).toBeGreaterThan(0);
      const unlisted = r.disagree.filter((id) => !listed.has(id));
      expect(unlisted).toEqual([]);
    });
  }

  it('the vectors name their source, commit and licence', () => {
    for (const { doc } of loadVectors()) {
      expect(doc.source).toMatch(
        /^https:\/\/github\.com\/pypa\/packaging\/blob\/[0-9a-f]{40}\/tests\/test_\w+\.py$/,
      );
      expect(doc.source).toContain(doc.commit);
      expect(doc.license).toBe('Apache-2.0 OR BSD-2-Clause');
    }
  });

  it('every listed divergence still diverges, and names a documented reason', () => {
    const disagree = new Set(results.flatMap((r) => r.disagree));
    const fixed = [...listed].filter((id) => !disagree.has(id));
    expect(fixed).toEqual([]);
    for (const [id, reason] of Object.entries(divergences.rows)) {
      expect(divergences.groups[reason], `${id}: reason "${reason}"`).toBeTypeOf('string');
    }
  });
});
