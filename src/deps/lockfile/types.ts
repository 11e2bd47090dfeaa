import type { Finding, SourceRange } from '../../diagnostics/finding.js';

/** One requirement as a lockfile states it, with the place it is stated. */
export interface LockedRequirement {
  /** Package name as written ('' for a requirement that names no package, e.g. a bare wheel path). */
  name: string;
  /** Version specifier in the ecosystem's syntax ('' = any version), or the URL of a direct reference. */
  specifier: string;
  /** `specifier`: a version constraint; `url`: `name @ https://…` (one artifact); `editable`: `-e …` (a checkout). */
  kind: 'specifier' | 'url' | 'editable';
  /** PEP 508 environment marker (`python_version < "3.11"`), as written. */
  marker?: string;
  /** From a `-c` constraints file: applies only to packages something else requires. */
  constraintOnly?: boolean;
  /** npm: a dev or optional dependency. */
  dev?: boolean;
  /** Where the requirement is written: its text on its (first) line. */
  location: SourceRange;
}

/** npm: what an installed package declares it needs of another (`dependencies` in package-lock). */
export interface LockedDependency {
  from: string;
  to: string;
  range: string;
  location: SourceRange;
}

export interface LockfileParse {
  requirements: LockedRequirement[];
  dependencies: LockedDependency[];
  /** Syntax problems (`deps/syntax`) and unreadable includes (`io/read`), each with a position. */
  findings: Finding[];
  /** Every file read (the lockfile and its `-r`/`-c` includes), absolute. */
  files: string[];
}
