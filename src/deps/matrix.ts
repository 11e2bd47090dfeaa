/**
 * The compatibility matrix (`kind: CompatibilityMatrix`,
 * docs/reference.md#compatibility-matrix): what each version range of a package requires of
 * the others. Loaded with the one loader, checked against its
 * schema, and every range parsed in the matrix's own ecosystem. A matrix that cannot be
 * loaded or breaks its schema is unusable (the check stops, exit 2); a single bad range is a
 * `deps/syntax` finding and only that entry is left out.
 */
import type { PathConfinement } from '../config/confinement.js';
import { loadDocument } from '../config/load-document.js';
import type { ConfigPath } from '../config/path.js';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import { validateToFindings } from '../schema/validate.js';
import { type Ecosystem, type EcosystemName, ecosystem, type Specifier } from './ecosystems/index.js';

export interface MatrixRequirement {
  /** Package name as written. */
  package: string;
  /** Normalised name. */
  key: string;
  spec: Specifier;
  location: SourceRange;
}

export interface MatrixEntry {
  package: string;
  key: string;
  /** Index in the package's list. */
  index: number;
  /** The versions of `package` this entry covers. */
  versions: Specifier;
  requires: MatrixRequirement[];
  location: SourceRange;
}

export interface CompatibilityMatrix {
  file: string;
  ecosystem: EcosystemName;
  entries: MatrixEntry[];
  /** Entries by normalised package name. */
  byPackage: Map<string, MatrixEntry[]>;
  /** Where `ecosystem` is written. */
  ecosystemLocation: SourceRange;
}

export interface MatrixLoad {
  matrix?: CompatibilityMatrix;
  findings: Finding[];
}

export function loadMatrix(file: string, confine?: PathConfinement): MatrixLoad {
  const loaded = loadDocument(file, { confine });
  if (!loaded.doc) return { findings: loaded.findings };
  const doc = loaded.doc;
  const schema = validateToFindings('CompatibilityMatrix', doc.value, doc.provenance);
  if (schema.length > 0) return { findings: schema };

  const value = doc.value as {
    ecosystem: EcosystemName;
    packages: Record<string, Array<{ versions: string; requires?: Record<string, string> }>>;
  };
  const eco = ecosystem(value.ecosystem) as Ecosystem;
  const at = (path: ConfigPath): SourceRange =>
    doc.provenance.locate(path) ?? { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const findings: Finding[] = [];
  const bad = (path: ConfigPath, message: string) =>
    findings.push({ rule: 'deps/syntax', severity: 'error', message, location: at(path) });

  const entries: MatrixEntry[] = [];
  for (const [pkg, list] of Object.entries(value.packages)) {
    if (!eco.isValidName(pkg)) bad(['packages', pkg], `"${pkg}" is not a valid ${eco.name} package name`);
    list.forEach((entry, index) => {
      const versions = eco.parseSpecifier(entry.versions);
      if (!versions.ok || versions.spec.kind !== 'range') {
        bad(
          ['packages', pkg, index, 'versions'],
          `${pkg}: ${versions.ok ? `"${entry.versions}" names no versions` : versions.message}`,
        );
        return;
      }
      const requires: MatrixRequirement[] = [];
      for (const [dep, range] of Object.entries(entry.requires ?? {})) {
        const spec = eco.parseSpecifier(range);
        if (!eco.isValidName(dep)) {
          bad(['packages', pkg, index, 'requires', dep], `"${dep}" is not a valid ${eco.name} package name`);
          continue;
        }
        if (!spec.ok || spec.spec.kind !== 'range') {
          bad(
            ['packages', pkg, index, 'requires', dep],
            `${pkg} requires ${dep}: ${spec.ok ? `"${range}" names no versions` : spec.message}`,
          );
          continue;
        }
        requires.push({
          package: dep,
          key: eco.normalizeName(dep),
          spec: spec.spec,
          location: at(['packages', pkg, index, 'requires', dep]),
        });
      }
      entries.push({
        package: pkg,
        key: eco.normalizeName(pkg),
        index,
        versions: versions.spec,
        requires,
        location: at(['packages', pkg, index, 'versions']),
      });
    });
  }
  const byPackage = new Map<string, MatrixEntry[]>();
  for (const e of entries) byPackage.set(e.key, [...(byPackage.get(e.key) ?? []), e]);
  return {
    matrix: { file, ecosystem: eco.name, entries, byPackage, ecosystemLocation: at(['ecosystem']) },
    findings,
  };
}
