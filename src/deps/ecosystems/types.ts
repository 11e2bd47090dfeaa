/**
 * One interface over the version semantics of a package ecosystem. Each ecosystem keeps
 * its own syntax and its installer's rules (PEP 440 and pip for `pypi`, node-semver and npm
 * for `npm`); nothing here parses versions by hand. The solver (`../solve.ts`), the deps
 * stage and the policy engine's CEL functions (`semver.satisfies`, `pep440.satisfies`)
 * all call the same code through this interface.
 */
export type EcosystemName = 'pypi' | 'npm';

/** A version specifier in the ecosystem's own syntax, parsed once. */
export interface Specifier {
  /** As written, trimmed. */
  text: string;
  /**
   * `range`: a set of versions (`>=0.13,<0.14`, `^1.2.0`). `reference`: names an artifact or
   * a tag rather than versions (npm `latest`, `file:../x`; pip `name @ https://…`, `-e git+…`);
   * it takes no part in version reasoning.
   */
  kind: 'range' | 'reference';
  /** The one version an exact pin allows (`==2.12.0`, `===1.0`, npm `1.2.3` / `=1.2.3`). */
  pin?: string;
  /** Versions where the set of satisfying versions can change (each clause's version, prefix ends). */
  boundaries: string[];
  /** Conjunctive parts: `>=0.11.1`, `!=0.11.3`, `<0.14` (npm: one comparator each, or the whole `||` range). */
  clauses: string[];
  /** Names a pre-release (pip then admits pre-releases for the whole set of constraints). */
  prerelease: boolean;
}

export type SpecifierParse = { ok: true; spec: Specifier } | { ok: false; message: string };

export interface Ecosystem {
  readonly name: EcosystemName;
  /** What the specifiers are written in, for messages: `PEP 440`, `npm semver`. */
  readonly syntax: string;
  /** An example of an exact pin, for messages. */
  readonly pinExample: string;
  /** The name packages are compared by (PEP 503 normalisation for pypi; npm names are exact). */
  normalizeName(name: string): string;
  isValidName(name: string): boolean;
  isVersion(text: string): boolean;
  parseSpecifier(text: string): SpecifierParse;
  /** Whether `version` satisfies one specifier, as the installer decides (default pre-release handling). */
  satisfies(version: string, specifier: string | Specifier): boolean;
  /**
   * Whether `version` lies in every `allowed` specifier and in none of `excluded`, judged as
   * the installer judges one package's combined constraints.
   */
  accepts(version: string, allowed: readonly Specifier[], excluded?: readonly Specifier[]): boolean;
  /** Versions next to a boundary version: the witnesses tried between and beyond boundaries. */
  neighbours(boundary: string): string[];
  /** Versions below every boundary (the lowest releases). */
  readonly floor: readonly string[];
  compare(a: string, b: string): number;
}
