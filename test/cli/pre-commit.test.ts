/**
 * The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit (the Debian
 * package, 3.0.4) in a real git repository: a bad commit is refused with the findings, a good
 * one goes through. And the part of the `language: node` hook that breaks on pre-commit 3.0.x:
 * `npm pack` in a checkout must print the tarball's name and nothing else, and the tarball
 * must hold a working CLI.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { exportctlShim, git, isolatedEnv, run, snapshotRepo } from '../helpers/git.js';

const tmp = tempDir('exportctl-precommit-');
afterAll(() => tmp.cleanup());

function havePreCommit(): void {
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'pre-commit is not installed: `apt-get install -y pre-commit` (Debian package; .ci/run installs it)',
    );
  }
}

describe('pre-commit hook (exportctl-system, the real pre-commit)', () => {
  const home = join(tmp.dir, 'home');
  const hookRepo = join(tmp.dir, 'hooks');
  const user = join(tmp.dir, 'user');
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    havePreCommit();
    const bin = exportctlShim(join(tmp.dir, 'bin'));
    env = isolatedEnv(home, { PATH: `${bin}:${process.env.PATH}` });
    // The hooks repository: this repository's .pre-commit-hooks.yaml at a commit.
    mkdirSync(hookRepo);
    cpSync(join(REPO, '.pre-commit-hooks.yaml'), join(hookRepo, '.pre-commit-hooks.yaml'));
    git(hookRepo, env, 'init', '-q');
    git(hookRepo, env, 'add', '-A');
    git(hookRepo, env, 'commit', '-q', '-m', 'hooks');
    const rev = git(hookRepo, env, 'rev-parse', 'HEAD').trim();

    // A user's repository: a project in deploy/export, other YAML elsewhere.
    mkdirSync(user);
    git(user, env, 'init', '-q');
    expect(run('exportctl', ['init', 'deploy/export'], user, env).code).toBe(0);
    mkdirSync(join(user, 'ci'));
    writeFileSync(join(user, 'ci', 'pipeline.yml'), 'stages: [build, test]\n');
    writeFileSync(
      join(user, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: exportctl-system\n`,
    );
    const manifest = run(
      'pre-commit',
      ['validate-manifest', join(hookRepo, '.pre-commit-hooks.yaml')],
      user,
      env,
    );
    expect(manifest.out).toBe('');
    expect(manifest.code).toBe(0);
    const install = run('pre-commit', ['install'], user, env);
    expect(install.out).toContain('pre-commit installed at .git/hooks/pre-commit');
  });

  const commitCount = () => Number(git(user, env, 'rev-list', '--count', '--all').trim() || '0');

  it('accepts a good commit', () => {
    git(user, env, 'add', '-A');
    const r = run('git', ['commit', '-m', 'scaffold'], user, env);
    expect(r.out).toMatch(/exportctl check \(exportctl on PATH\)\.+Passed/);
    expect(r.code).toBe(0);
    expect(commitCount()).toBe(1);
  });

  it('refuses a bad commit and shows the findings', () => {
    const prod = join(user, 'deploy/export/config/envs/prod.yaml');
    writeFileSync(prod, `${readFileSync(prod, 'utf8')}export:\n  timeout: 300\n`);
    git(user, env, 'add', '-A');
    const r = run('git', ['commit', '-m', 'bare number'], user, env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/exportctl check \(exportctl on PATH\)\.+Failed/);
    expect(r.out).toContain('- exit code: 1');
    expect(r.out).toMatch(
      /deploy\/export\/config\/envs\/prod\.yaml:\d+:\d+ {2}error {2}export\.timeout: bare number 300 where a duration belongs.* \[prod\] {2}schema\/invalid/,
    );
    expect(r.out).toMatch(/✖ \d+ errors?, \d+ warnings? \(\d+ files, \d+ environments?\)/);
    expect(commitCount()).toBe(1);
    git(user, env, 'checkout', '--', '.');
    git(user, env, 'reset', '-q', '--hard');
  });

  it('checks the whole project when one overlay changes (a cross-file finding in the base)', () => {
    // Deleting export.source in dev breaks dev's effective config; the error is in base.yaml's export map.
    const dev = join(user, 'deploy/export/config/envs/dev.yaml');
    writeFileSync(dev, `${readFileSync(dev, 'utf8')}export:\n  source: null\n`);
    git(user, env, 'add', '-A');
    const r = run('git', ['commit', '-m', 'delete source in dev'], user, env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /deploy\/export\/config\/base\.yaml:\d+:\d+ {2}error {2}missing required field "source" in export \[dev\] {2}schema\/invalid/,
    );
    expect(commitCount()).toBe(1);
    git(user, env, 'reset', '-q', '--hard');
  });

  it('ignores YAML that belongs to no project, and accepts a fixed project', () => {
    writeFileSync(join(user, 'ci', 'pipeline.yml'), 'stages: [build, test, deploy]\n');
    git(user, env, 'add', '-A');
    const other = run('git', ['commit', '-m', 'ci only'], user, env);
    expect(other.code).toBe(0);
    expect(other.out).toMatch(/exportctl check \(exportctl on PATH\)\.+Passed/);

    const dev = join(user, 'deploy/export/config/envs/dev.yaml');
    writeFileSync(dev, readFileSync(dev, 'utf8').replace('t3.micro', 't3.nano'));
    git(user, env, 'add', '-A');
    const good = run('git', ['commit', '-m', 'smaller dev'], user, env);
    expect(good.code).toBe(0);
    expect(commitCount()).toBe(3);
  });
});

describe('language: node hook from a git checkout', () => {
  // npm pack builds dist/ through `prepare`: minutes on a busy machine.
  it('npm pack prints only the tarball name (pre-commit 3.0.x reads it) and packs a working CLI', {
    timeout: 15 * 60_000,
  }, () => {
    const env = isolatedEnv(join(tmp.dir, 'home-pack'));
    const checkout = join(tmp.dir, 'checkout');
    snapshotRepo(checkout, env);
    // The dependencies pre-commit's `npm install` would have put there.
    symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    expect(existsSync(join(checkout, 'dist'))).toBe(false);

    const pack = spawnSync('npm', ['pack'], { cwd: checkout, env, encoding: 'utf8', timeout: 14 * 60_000 });
    expect(pack.status, pack.stderr).toBe(0);
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
    // Exactly what pre-commit does with it: `prefix.path(stdout.strip())`.
    expect(pack.stdout.trim()).toBe(`exportctl-${version}.tgz`);
    const tarball = join(checkout, pack.stdout.trim());
    expect(existsSync(tarball)).toBe(true);

    const unpacked = join(tmp.dir, 'unpacked');
    mkdirSync(unpacked);
    expect(run('tar', ['-xzf', tarball, '-C', unpacked], unpacked, env).code).toBe(0);
    const pkg = join(unpacked, 'package');
    for (const f of ['dist/bundle/exportctl.mjs', 'schemas/export-config.schema.json', 'package.json']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    // The packed bin, with the dependencies `npm install -g` gives it, checks projects.
    symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    const cli = join(pkg, 'dist/bundle/exportctl.mjs');
    const ok = run(process.execPath, [cli, 'check', join(REPO, 'examples/orders-export')], unpacked, env);
    expect(ok.out).toMatch(/no problems/);
    expect(ok.code).toBe(0);
    const bad = run(process.execPath, [cli, 'check', join(REPO, 'examples/broken')], unpacked, env);
    expect(bad.code).toBe(1);
  });
});

/**
 * better-sqlite3's native module as a local prebuild, from the one `npm ci` built: without it
 * each of pre-commit's two installs compiles SQLite from source when prebuild-install cannot
 * download a binary (no network to GitHub), which takes many minutes on two busy cores.
 */
function betterSqlite3Prebuild(dir: string): Record<string, string> {
  const pkgDir = join(REPO, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  mkdirSync(dir, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node'], {
    encoding: 'utf8',
  });
  if (tar.status !== 0) throw new Error(`packing better-sqlite3's binary failed: ${tar.stderr}`);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

/**
 * The whole `language: node` path: pre-commit clones the hooks repository, runs `npm install`
 * (which builds through `prepare`), `npm pack`, and `npm install -g` of the tarball. It runs
 * in every `npm test` (the "hooks" project, last): it needs the npm registry, or an npm cache
 * that already holds the dependencies — the test uses this machine's npm cache (filled by
 * `npm ci`) and prefers it to the network, and better-sqlite3's binary from `npm ci` as a local
 * prebuild, so that nothing is compiled.
 */
describe('language: node hook, installed by pre-commit', () => {
  it('installs exportctl from a checkout, refuses a bad commit and accepts a good one', {
    timeout: 30 * 60_000,
  }, () => {
    havePreCommit();
    const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
    const env = isolatedEnv(join(tmp.dir, 'home-node'), {
      ...betterSqlite3Prebuild(join(tmp.dir, 'prebuilds')),
      npm_config_cache: npmCache,
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    });
    const hooks = join(tmp.dir, 'node-hooks');
    const rev = snapshotRepo(hooks, env);
    const user = join(tmp.dir, 'node-user');
    mkdirSync(user);
    git(user, env, 'init', '-q');
    expect(runCli(['init', '.'], { cwd: user }).code).toBe(0);
    writeFileSync(
      join(user, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hooks}\n    rev: ${rev}\n    hooks:\n      - id: exportctl\n`,
    );
    expect(run('pre-commit', ['install'], user, env).code).toBe(0);
    const install = run('pre-commit', ['install-hooks'], user, env, 30 * 60_000);
    expect(install.code, install.out).toBe(0);

    git(user, env, 'add', '-A');
    const good = run('git', ['commit', '-m', 'scaffold'], user, env);
    expect(good.out).toMatch(/exportctl check\.+Passed/);
    expect(good.code).toBe(0);

    const base = join(user, 'config/base.yaml');
    writeFileSync(base, readFileSync(base, 'utf8').replace('  timeout: 30s', '  timeout: 30'));
    git(user, env, 'add', '-A');
    const bad = run('git', ['commit', '-m', 'bare number'], user, env);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/config\/base\.yaml:\d+:\d+ {2}error {2}server\.timeout: bare number 30/);
  });
});
