import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI, REPO } from './cli.js';

/** An environment for git and pre-commit that ignores the machine's own git config and caches. */
export function isolatedEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const gitconfig = join(home, '.gitconfig');
  if (!existsSync(gitconfig)) writeFileSync(gitconfig, '[init]\n\tdefaultBranch = main\n');
  return {
    ...process.env,
    HOME: home,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    PRE_COMMIT_HOME: join(home, 'pre-commit-cache'),
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    ...extra,
  };
}

export interface Run {
  code: number;
  out: string;
}

export function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeout = 120_000,
): Run {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Runs git and fails the test with its output when it fails. */
export function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = run('git', args, cwd, env);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${r.out}`);
  return r.out;
}

/** A directory with an `exportctl` executable that runs the built CLI (as an installed bin would). */
export function exportctlShim(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, 'exportctl');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

/**
 * The repository's files as a fresh git repository (tracked and new files, not ignored ones):
 * what a clone of this working tree at a commit would hold. Returns the commit.
 */
export function snapshotRepo(dest: string, env: NodeJS.ProcessEnv): string {
  const list = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  });
  if (list.status !== 0) throw new Error(`git ls-files in ${REPO} failed: ${list.stderr}`);
  mkdirSync(dest, { recursive: true });
  for (const file of list.stdout.split('\0').filter(Boolean)) {
    const from = join(REPO, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file));
  }
  git(dest, env, 'init', '-q');
  git(dest, env, 'add', '-A');
  git(dest, env, 'commit', '-q', '-m', 'snapshot');
  return git(dest, env, 'rev-parse', 'HEAD').trim();
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
