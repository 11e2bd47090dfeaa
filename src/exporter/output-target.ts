/**
 * The files an export must never write, checked before anything is opened: a target that
 * is not a regular file (device, FIFO, socket, directory, or a symlink to one), the source
 * database or its `-wal`/`-shm`/`-journal` (by real path and by device+inode, so hard links
 * and `x/../` spellings are caught), anything inside the project's config, policies or state
 * and the project manifest, and a directory the output-path policy refuses (a system
 * directory, after symlinks are resolved). Each refusal is an ExportError with its own code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../config/confinement.js';
import { outputDirProblem } from '../config/output-dir.js';
import { fileKind } from '../config/read-file.js';
import { MANIFEST_NAMES } from '../config/find-project.js';
import type { Project } from '../config/types.js';
import { ExportError } from './errors.js';

/** A file or directory of the project that no export may write into. */
export interface ProtectedPath {
  path: string;
  /** What it is, for the message: "the project's config directory". */
  what: string;
}

export interface OutputTargetRules {
  projectRoot: string;
  /** The SQLite database file, if the source is one. */
  sourceFile?: string;
  /** The state store's file (`.exportctl/state.db`). */
  stateFile: string;
  /** More of the project (config, policies, manifest): see `projectProtectedPaths`. */
  protectedPaths?: readonly ProtectedPath[];
}

const SQLITE_SIDE_FILES = ['', '-wal', '-shm', '-journal'];

function lstatOf(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(at), ...rest);
    } catch {
      const up = path.dirname(at);
      if (up === at) return abs;
      rest.unshift(path.basename(at));
      at = up;
    }
  }
}

function sameFile(a: fs.Stats | undefined, b: fs.Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/**
 * The project's config, policies and manifest, as the CLI knows them from the project, its
 * `.git`, and every file `check` read for it (`readFiles`: lockfiles and their includes,
 * compatibility matrices, policy packs).
 */
export function projectProtectedPaths(project: Project, readFiles: readonly string[] = []): ProtectedPath[] {
  const out: ProtectedPath[] = [
    { path: project.manifestFile, what: 'the project manifest' },
    { path: path.join(project.root, '.git'), what: "the project's git repository" },
  ];
  // A config file's directory is protected when it is a directory of its own (config/),
  // not the project root itself (where exports may well go).
  const configFile = (file: string, what: string) => {
    out.push({ path: file, what });
    const dir = path.dirname(file);
    if (!isInside(dir, project.root)) out.push({ path: dir, what: "the project's config directory" });
  };
  configFile(project.baseFile, 'the base config');
  for (const env of project.environments) {
    if (env.overlayFile) configFile(env.overlayFile, `the overlay of ${env.name}`);
  }
  for (const p of project.manifest.policies?.paths ?? []) {
    const abs = path.resolve(project.root, p);
    if (!isInside(abs, project.root)) out.push({ path: abs, what: "the project's policies" });
  }
  // Last, so that a file named above is refused under its own name.
  for (const f of readFiles) out.push({ path: f, what: 'a file the project reads' });
  return out;
}

function refuse(
  code: 'OUTPUT_IS_SOURCE' | 'OUTPUT_NOT_A_FILE' | 'OUTPUT_REFUSED',
  file: string,
  why: string,
) {
  return new ExportError(code, `refusing to write ${file}: ${why}; nothing was written`, { file });
}

/** A path no export may write, resolved once: as written, its real path, its device and inode. */
interface ResolvedPath extends ProtectedPath {
  real: string;
  stat: fs.Stats | undefined;
}

function resolved(p: ProtectedPath): ResolvedPath {
  return { ...p, real: realPathOf(p.path), stat: statOf(p.path) };
}

/**
 * A check for the files of one job: the protected paths are resolved (real path, device and
 * inode) once, then each target (the output and its manifest) costs its own stat and realpath.
 * The returned function throws OUTPUT_NOT_A_FILE, OUTPUT_IS_SOURCE or OUTPUT_REFUSED when
 * `file` must not be written (replaced by a rename). Reads only metadata; creates nothing.
 */
export function writableTargetGuard(rules: OutputTargetRules): (file: string) => void {
  // SQLite names its -wal/-shm/-journal after the database's real path (symlinks resolved).
  const sources: ResolvedPath[] = [];
  if (rules.sourceFile) {
    for (const base of new Set([rules.sourceFile, realPathOf(rules.sourceFile)])) {
      for (const suffix of SQLITE_SIDE_FILES) {
        const src = `${base}${suffix}`;
        const what = suffix === '' ? 'the source database' : `the source database's ${suffix} file`;
        sources.push(resolved({ path: src, what: `${what} (${path.basename(src)})` }));
      }
    }
  }
  // The state store with its SQLite side files, and its directory when it is one of its own.
  const stateDir = path.dirname(rules.stateFile);
  const guarded = [
    ...SQLITE_SIDE_FILES.map((x) => ({ path: `${rules.stateFile}${x}`, what: "the project's state store" })),
    ...(isInside(stateDir, rules.projectRoot)
      ? []
      : [{ path: stateDir, what: "the project's state directory" }]),
    ...MANIFEST_NAMES.map((n) => ({ path: path.join(rules.projectRoot, n), what: 'the project manifest' })),
    ...(rules.protectedPaths ?? []),
  ].map(resolved);
  const realRoot = realPathOf(rules.projectRoot);

  return (file: string) => {
    const abs = path.resolve(file);
    const lst = lstatOf(abs);
    const st = statOf(abs);
    if (lst?.isSymbolicLink()) {
      if (st && !st.isFile()) {
        throw refuse(
          'OUTPUT_NOT_A_FILE',
          file,
          `it is a symbolic link to ${fileKind(st)}, not a regular file`,
        );
      }
    } else if (lst && !lst.isFile()) {
      throw refuse('OUTPUT_NOT_A_FILE', file, `it is ${fileKind(lst)}, not a regular file`);
    }
    const real = realPathOf(abs);
    for (const src of sources) {
      if (real === src.real || sameFile(st, src.stat))
        throw refuse('OUTPUT_IS_SOURCE', file, `it is ${src.what}`);
    }
    // The file itself first (it is the base config), then what holds it (the config directory).
    for (const g of guarded) {
      if (real === g.real || sameFile(st, g.stat)) {
        throw refuse('OUTPUT_REFUSED', file, `it is ${g.what} (${path.relative(rules.projectRoot, g.path)})`);
      }
    }
    for (const g of guarded) {
      if (isInside(g.real, real)) {
        const rel = path.relative(rules.projectRoot, g.path) || '.';
        throw refuse('OUTPUT_REFUSED', file, `it is inside ${g.what} (${rel})`);
      }
    }
    // The output-path policy of export.output.dir, on the directory as it really is.
    const dir = path.dirname(real);
    if (!isInside(realRoot, dir)) {
      const why = outputDirProblem(dir);
      if (why)
        throw refuse('OUTPUT_REFUSED', file, `its directory ${dir} ${why} (policy export/output-path)`);
    }
  };
}
