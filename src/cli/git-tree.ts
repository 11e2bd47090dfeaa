/**
 * A git revision's tree as files in a temporary directory (`git archive REF | tar -x`), for
 * `check --new-since REF`. REF is validated as a commit by `git rev-parse --verify` behind
 * `--end-of-options`, so no REF string is ever read as a git option.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../diagnostics/usage-error.js';

const TIMEOUT_MS = 120_000;

function git(cwd: string, args: string[]) {
  return spawnSync('git', args, {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    timeout: TIMEOUT_MS,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
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
    // Through a file, not memory: a large tree costs disk in the temp dir, never heap.
    const tarFile = join(dir, '.exportctl-base.tar');
    const archive = git(top, ['archive', '--format=tar', `--output=${tarFile}`, commit]);
    if (archive.error || archive.status !== 0) {
      const why = archive.error?.message ?? archive.stderr.toString('utf8').trim();
      throw new UsageError(`--new-since: git archive ${commit.slice(0, 12)} failed: ${why}`);
    }
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    const tar = spawnSync('tar', ['-x', '-f', tarFile, '-C', tree], { timeout: TIMEOUT_MS });
    if (tar.error || tar.status !== 0) {
      const why = tar.error?.message ?? tar.stderr.toString('utf8').trim();
      throw new UsageError(`--new-since: extracting ${commit.slice(0, 12)} failed: ${why}`);
    }
    rmSync(tarFile, { force: true });
    return { dir: tree, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
