/**
 * `check --new-since REF`: the fingerprints of the findings at REF, from a check run on REF's
 * tree materialised in a temporary directory. Marking findings new or unchanged against them is
 * `report/baseline.ts`.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type CheckOptions, checkProject } from '../check/check-project.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { findingFingerprint } from '../report/fingerprint.js';
import { gitRoot, isInside } from '../config/confinement.js';
import { materialiseCommit, resolveCommit } from './git-tree.js';

/**
 * The fingerprints of the same check run on REF's tree (the project at the same place relative
 * to the git root; the same paths and environments). A project absent at REF has none.
 */
export function fingerprintsAt(
  ref: string,
  options: Required<Pick<CheckOptions, 'cwd'>> & CheckOptions,
): string[] {
  const cwd = resolve(options.cwd);
  // The directory holding `.git` (a file in worktrees and submodules), as the working tree
  // sees it (not symlink-resolved, unlike `git rev-parse --show-toplevel`): paths are relative to it.
  const root = gitRoot(cwd);
  if (!root) throw new UsageError(`--new-since: ${cwd} is not in a git repository`);
  const commit = resolveCommit(root, ref);
  for (const p of [cwd, ...(options.paths ?? [])]) {
    if (!isInside(root, resolve(cwd, p))) {
      throw new UsageError(`--new-since: ${p} is outside the git repository at ${root}`);
    }
  }
  const tree = materialiseCommit(root, commit);
  try {
    const inTree = (p: string) => join(tree.dir, relative(root, resolve(cwd, p)));
    const baseCwd = inTree(cwd);
    const paths = (options.paths ?? []).map((p) => (isAbsolute(p) ? inTree(p) : p));
    if (!existsSync(baseCwd) || paths.some((p) => !existsSync(resolve(baseCwd, p)))) return [];
    let findings: Finding[];
    try {
      findings = checkProject({ ...options, cwd: baseCwd, paths }).findings;
    } catch (err) {
      if (err instanceof UsageError) return []; // no project there at REF: everything is new
      throw err;
    }
    return findings.map((f) => findingFingerprint(f, tree.dir));
  } finally {
    tree.remove();
  }
}
