/**
 * Runs pypa/packaging's test tables (test_version.json, test_specifiers.json, extracted by
 * scripts/extract-pep440-vectors.py) against an implementation, row by row. Each table's
 * assertion is restated here from packaging's test body; the expected value comes from the
 * row itself or, for the true/false tables, from the table's name.
 *
 * Pre-release policy: packaging's `Specifier.contains()` admits pre-releases unless told not
 * to (`prereleases=None` resolves to "yes"); set-level questions with `prereleases=None` are
 * answered with pip's rule as exportctl applies it (`null` below), and the rows where that
 * differs from packaging are listed in divergences.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Pep440Impl {
  valid(version: string): boolean;
  normalized(version: string): string | null;
  flags(version: string): { pre: boolean; post: boolean; dev: boolean } | null;
  /** <0, 0, >0; may throw (the version before this work did). */
  compare(a: string, b: string): number;
  clauseValid(clause: string): boolean;
  namesPrerelease(clause: string): boolean;
  /** A specifier set contains a version; `prereleases` null: pip's rule (some clause names one). */
  contains(spec: string, version: string, prereleases: boolean | null): boolean;
  satisfiable(spec: string, prereleases: boolean): boolean;
}

interface Table {
  class: string;
  names: string[];
  skipped: number[];
  rows: unknown[][];
}

interface VectorFile {
  source: string;
  commit: string;
  license: string;
  tables: Record<string, Table>;
}

const here = dirname(fileURLToPath(import.meta.url));

export function loadVectors(): { file: string; doc: VectorFile }[] {
  return ['test_version', 'test_specifiers'].map((file) => ({
    file,
    doc: JSON.parse(readFileSync(join(here, `${file}.json`), 'utf8')) as VectorFile,
  }));
}

const OPS: Record<string, (c: number) => boolean> = {
  lt: (c) => c < 0,
  le: (c) => c <= 0,
  eq: (c) => c === 0,
  ge: (c) => c >= 0,
  gt: (c) => c > 0,
  ne: (c) => c !== 0,
};

type Row = Record<string, unknown>;
const s = (v: unknown) => v as string;
const pre = (v: unknown) => v as boolean | null;

/** Each table's assertion: true when the implementation agrees with packaging on the row. */
const CHECKS: Record<string, (impl: Pep440Impl, r: Row) => boolean> = {
  test_valid_versions: (i, r) => i.valid(s(r.version)),
  test_invalid_versions: (i, r) => !i.valid(s(r.version)),
  test_normalized_versions: (i, r) => i.normalized(s(r.version)) === r.normalized,
  test_version_is_prerelease: (i, r) => i.flags(s(r.version))?.pre === r.expected,
  test_version_is_postrelease: (i, r) => i.flags(s(r.version))?.post === r.expected,
  test_version_is_devrelease: (i, r) => i.flags(s(r.version))?.dev === r.expected,
  test_comparison_true: (i, r) => OPS[s(r.op)](i.compare(s(r.left), s(r.right))),
  test_comparison_false: (i, r) => !OPS[s(r.op)](i.compare(s(r.left), s(r.right))),

  test_specifiers_valid: (i, r) => i.clauseValid(s(r.specifier)),
  test_specifiers_invalid: (i, r) => !i.clauseValid(s(r.specifier)),
  test_specifiers: (i, r) => i.contains(s(r.spec_str), s(r.version), true) === r.expected,
  test_invalid_version: (i, r) => i.contains(s(r.spec_str), s(r.version), true) === r.expected,
  test_arbitrary_equality: (i, r) => i.contains(s(r.spec_str), s(r.version), true) === r.expected,
  test_arbitrary_equality_normalization: (i, r) =>
    i.contains(s(r.spec_str), s(r.version), true) === r.expected,
  // packaging answers None for `===` on a non-version: it names no pre-release either way.
  test_specifier_prereleases_detection: (i, r) => i.namesPrerelease(s(r.specifier)) === (r.expected ?? false),
  test_specifiers_prereleases: (i, r) =>
    i.contains(s(r.specifier), s(r.version), pre(r.contains_pre) ?? pre(r.spec_pre) ?? true) === r.expected,

  test_empty_specifier: (i, r) => i.contains('', s(r.version), true),
  test_contains_exclusionary_bridges: (i, r) =>
    i.contains(s(r.specifier), s(r.version), pre(r.prereleases)) === r.expected,
  test_contains_rejects_invalid_specifier: (i, r) => !i.contains(s(r.specifier), s(r.input), true),
  test_contains_post_release_boundary_intersection: (i, r) =>
    i.contains(s(r.spec_str), s(r.version), true) === r.expected,
  test_contains_arbitrary_equality_contains: (i, r) =>
    i.contains(s(r.specifier), s(r.version), null) === r.expected,
  test_contains_arbitrary_equality_normalization: (i, r) =>
    i.contains(s(r.spec_str), s(r.version), true) === r.expected,

  test_unsatisfiable: (i, r) => !i.satisfiable(s(r.spec_str), true),
  test_satisfiable: (i, r) => i.satisfiable(s(r.spec_str), true),
  test_unsatisfiable_prereleases_false: (i, r) => !i.satisfiable(s(r.spec_str), false),
  test_satisfiable_prereleases_false: (i, r) => i.satisfiable(s(r.spec_str), false),
  test_post_release_boundary_unsatisfiable: (i, r) => !i.satisfiable(s(r.spec_str), true),
};

export interface TableResult {
  file: string;
  table: string;
  rows: number;
  skipped: number;
  /** Row ids where the implementation disagrees with packaging (or threw). */
  disagree: string[];
}

export function evaluate(impl: Pep440Impl): TableResult[] {
  const out: TableResult[] = [];
  for (const { file, doc } of loadVectors()) {
    for (const [table, t] of Object.entries(doc.tables)) {
      const check = CHECKS[table];
      if (!check) throw new Error(`${file}.json: no check for table ${table}`);
      const disagree: string[] = [];
      for (const values of t.rows) {
        const row: Row = Object.fromEntries(t.names.map((n, k) => [n, values[k]]));
        const id = `${file}.py::${table}#${row.index}`;
        let ok: boolean;
        try {
          ok = check(impl, row);
        } catch {
          ok = false;
        }
        if (!ok) disagree.push(id);
      }
      out.push({ file, table, rows: t.rows.length, skipped: t.skipped.length, disagree });
    }
  }
  return out;
}
