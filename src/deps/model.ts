/** What analysing one environment's dependencies yields: requirements, constraints, packages, the graph. */
import type { EffectiveConfig } from '../config/types.js';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import type { Ecosystem, EcosystemName, Specifier } from './ecosystems/index.js';
import type { MatrixEntry } from './matrix.js';

export type DepsRuleId = 'deps/unpinned' | 'deps/unsatisfiable' | 'deps/incompatible' | 'deps/denied';

export interface DepRequirement {
  name: string;
  key: string;
  /** As written: a specifier, a URL, an editable target, an npm tag. */
  text: string;
  /** A version range; absent for URLs, editables and npm tags. */
  spec?: Specifier;
  kind: 'specifier' | 'url' | 'editable' | 'reference';
  pinned: boolean;
  marker?: string;
  constraintOnly?: boolean;
  source: 'inline' | 'lockfile';
  /** `dependencies.requirements.<name>`: inline requirements are located through it; lockfile ones carry it for waivers. */
  path: string;
  location?: SourceRange;
}

export type ConstraintOrigin =
  | { kind: 'requirement'; requirement: DepRequirement }
  | { kind: 'matrix'; from: string; fromKey: string; entry: MatrixEntry; location: SourceRange }
  | { kind: 'lockfile'; from: string; fromKey: string; location: SourceRange };

export interface DepConstraint {
  key: string;
  spec: Specifier;
  origin: ConstraintOrigin;
}

export interface DepPackage {
  name: string;
  key: string;
  requirements: DepRequirement[];
  constraints: DepConstraint[];
  /** The exact version the requirements pin, if they do. */
  pin?: string;
  /** Whether some version satisfies every constraint; `example` is one. */
  satisfiable: boolean;
  example?: string;
  /** Rules that fired on this package. */
  conflicts: DepsRuleId[];
}

/** An edge of the requirement graph: `from` (null: the environment itself) requires `to` in `range`. */
export interface DepEdge {
  from: string | null;
  to: string;
  range: string;
  via: 'requirement' | 'matrix' | 'lockfile';
  location?: SourceRange;
  conflict?: DepsRuleId;
}

export interface EnvDependencies {
  env: string;
  protected: boolean;
  ecosystem: EcosystemName;
  /** Files read for this environment (lockfile and includes, matrix), absolute. */
  files: string[];
  packages: DepPackage[];
  edges: DepEdge[];
  findings: Finding[];
  /** The matrix could not be used: the check must stop (exit 2). */
  fatal: boolean;
}

/** What every step of one environment's analysis knows about it. */
export interface DepsContext {
  eco: Ecosystem;
  env: string;
  protected: boolean;
  root: string;
  config: EffectiveConfig;
}
