/**
 * Which paths a project may read: those inside the project's git repository (or the
 * project directory when it is in none), plus the directories its manifest lists under
 * `allow_outside_paths`. A path is judged twice: as written (`../../etc` is refused without
 * touching it) and as resolved through symbolic links (a link to `/etc/passwd` is refused
 * before it is opened); after opening, the file descriptor's own path is checked again where
 * the system shows it (/proc/self/fd), so a link swapped in meanwhile is refused too.
 */
import { existsSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { errnoReason, type FileRefusal } from './read-file.js';

interface Root {
  /** As written, absolute. */
  lexical: string;
  /** Symbolic links resolved (the lexical path when it does not exist). */
  real: string;
}

function realOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/** Whether `p` is `dir` or lies inside it (a name like `..foo` is inside). */
export function isInside(dir: string, p: string): boolean {
  if (p === dir) return true;
  const rel = relative(dir, p);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The nearest directory at or above `dir` holding `.git` (a directory, or a file in worktrees
 * and submodules): the project's confinement, and the root CI formats give paths relative to.
 */
export function gitRoot(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(resolve(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export class PathConfinement {
  readonly #roots: Root[];

  /** `roots[0]` names the confinement in messages ("the project", "the repository"). */
  constructor(
    roots: string[],
    private readonly what: string,
  ) {
    this.#roots = roots.map((r) => ({ lexical: resolve(r), real: realOr(resolve(r)) }));
  }

  /** The confinement of a project: its git repository (or directory); `allowing` adds the opt-outs. */
  static forProject(projectRoot: string): PathConfinement {
    const repo = gitRoot(projectRoot);
    return new PathConfinement(
      [repo ?? projectRoot],
      repo ? 'the git repository of the project' : 'the project directory',
    );
  }

  /**
   * This confinement with more directories allowed (`dirs` relative to `base`): the manifest's
   * `allow_outside_paths`, once the manifest has been read inside the bare confinement.
   */
  allowing(base: string, dirs: readonly string[]): PathConfinement {
    if (dirs.length === 0) return this;
    const wider = new PathConfinement([], this.what);
    wider.#roots.push(
      ...this.#roots,
      ...new PathConfinement(
        dirs.map((d) => resolve(base, d)),
        this.what,
      ).#roots,
    );
    return wider;
  }

  #outside(how: string): FileRefusal {
    return {
      rule: 'io/outside-project',
      message: `${how} outside ${this.what}; list its directory under allow_outside_paths in the manifest to read it`,
    };
  }

  /** A refusal when `file` lies outside, as written or through symbolic links. */
  check(file: string): FileRefusal | undefined {
    const abs = resolve(file);
    if (!this.#roots.some((r) => isInside(r.lexical, abs) || isInside(r.real, abs)))
      return this.#outside('is');
    let real: string;
    try {
      real = realpathSync.native(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // the read reports it
      return { rule: 'io/read', message: errnoReason(err) };
    }
    if (!this.#roots.some((r) => isInside(r.real, real)))
      return this.#outside('resolves (through a symbolic link)');
    return undefined;
  }

  /** The same check on an open file, where the system tells what it is (Linux /proc). */
  checkOpened(fd: number): FileRefusal | undefined {
    let real: string;
    try {
      real = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return undefined;
    }
    if (!isAbsolute(real)) return undefined;
    if (!this.#roots.some((r) => isInside(r.real, real)))
      return this.#outside('resolves (through a symbolic link)');
    return undefined;
  }
}
