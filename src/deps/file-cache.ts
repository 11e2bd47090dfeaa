/** The lockfiles and matrices of a run, each read once. */
import { basename } from 'node:path';
import type { PathConfinement } from '../config/confinement.js';
import type { SourceRange } from '../diagnostics/finding.js';
import { parsePackageLock } from './lockfile/package-lock.js';
import { parseRequirementsTxt } from './lockfile/requirements-txt.js';
import type { LockfileParse } from './lockfile/types.js';
import type { MatrixLoad } from './matrix.js';

/** Loads files once per run: several environments usually share the lockfile and the matrix. */
export class DepsFileCache {
  readonly #matrices = new Map<string, MatrixLoad>();
  readonly #lockfiles = new Map<string, LockfileParse>();
  /** `confine`: where the project's files may come from (every read goes through it). */
  constructor(
    private readonly loadMatrixFile: (file: string, confine?: PathConfinement) => MatrixLoad,
    private readonly confine?: PathConfinement,
  ) {}

  matrix(file: string): MatrixLoad {
    let m = this.#matrices.get(file);
    if (!m) {
      m = this.loadMatrixFile(file, this.confine);
      this.#matrices.set(file, m);
    }
    return m;
  }

  lockfile(file: string, statedAt: SourceRange | undefined): LockfileParse {
    let l = this.#lockfiles.get(file);
    if (!l) {
      l = isPackageLock(file)
        ? parsePackageLock(file, statedAt, this.confine)
        : parseRequirementsTxt(file, statedAt, this.confine);
      this.#lockfiles.set(file, l);
    }
    return l;
  }
}

export function isPackageLock(file: string): boolean {
  return basename(file).toLowerCase().endsWith('.json');
}
