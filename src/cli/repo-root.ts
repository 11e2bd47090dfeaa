/** The repository a directory is in: CI formats give paths relative to its root. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in worktrees and submodules). */
export function findRepoRoot(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}
