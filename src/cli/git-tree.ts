/**
 * A git revision's tree as files in a temporary directory (a private index read from REF, then `git checkout-index`), for
 * `check --new-since REF`. REF is validated as a commit by `git rev-parse --verify` behind
 * `--end-of-options`, so no REF string is ever read as a git option.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../diagnostics/usage-error.js';

const TIMEOUT_MS = 120_000;

function git(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('git', args, {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    timeout: TIMEOUT_MS,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
  });
}

/** The commit REF names; a UsageError for anything that is not one. */
export function resolveCommit(top: string, ref: string): string {
  if (ref === '' || ref.length > 256 || /[\u0000-\u001f\u007f]/.test(ref)) {
    throw new UsageError('--new-since: REF must be a git revision (a branch, tag or commit)');
  }
  const r = git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (r.error) throw new UsageError(`--new-since needs git: ${r.error.message}`);
  const sha = r.stdout?.toString('utf8').trim() ?? '';
  if (r.status !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new UsageError(`--new-since: no commit "${ref}" in this repository`);
  }
  return sha;
}

/** Extracts `commit`'s tree into a new temporary directory; `remove()` deletes it. */
export function materialiseCommit(top: string, commit: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'exportctl-base-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    // The commit's tree as a checkout has it: a private index (the repository's own is left
    // alone) read from the commit, then every entry written under the temporary directory.
    // Unlike `git archive`, the commit's `export-ignore`/`export-subst` attributes do not
    // change what is checked.
    const env = { GIT_INDEX_FILE: join(dir, '.exportctl-index') };
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    for (const [what, args] of [
      ['reading', ['read-tree', commit]],
      ['extracting', ['checkout-index', '--all', '--force', `--prefix=${tree}/`]],
    ] as const) {
      const r = git(top, [...args], env);
      if (r.error || r.status !== 0) {
        const why = r.error?.message ?? r.stderr.toString('utf8').trim();
        throw new UsageError(`--new-since: ${what} ${commit.slice(0, 12)} failed: ${why}`);
      }
    }
    return { dir: tree, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
