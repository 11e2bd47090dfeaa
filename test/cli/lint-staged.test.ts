/**
 * The husky + lint-staged setup of docs/integrations.md, run for real: husky 9 installs the git
 * hook, lint-staged 16 passes the staged YAML/JSON files to `exportctl check --ignore-unknown`.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/cli.js';
import { exportctlShim, git, isolatedEnv, run } from '../helpers/git.js';

const tmp = tempDir('exportctl-lintstaged-');
afterAll(() => tmp.cleanup());

/** The example of docs/integrations.md. */
const PACKAGE_JSON = {
  name: 'orders-export-config',
  private: true,
  scripts: { prepare: 'husky' },
  'lint-staged': { '*.{yaml,yml,json}': 'exportctl check --ignore-unknown' },
};
const HUSKY_PRE_COMMIT = 'npx lint-staged\n';

describe('husky + lint-staged', () => {
  const repo = join(tmp.dir, 'repo');
  let env: NodeJS.ProcessEnv;
  const commits = () => Number(git(repo, env, 'rev-list', '--count', '--all').trim());

  beforeAll(() => {
    const bin = exportctlShim(join(tmp.dir, 'bin'));
    env = isolatedEnv(join(tmp.dir, 'home'), { PATH: `${bin}:${process.env.PATH}` });
    mkdirSync(repo);
    git(repo, env, 'init', '-q');
    writeFileSync(join(repo, 'package.json'), `${JSON.stringify(PACKAGE_JSON, null, 2)}\n`);
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    // What `npm install --save-dev husky lint-staged exportctl` would provide (exportctl via PATH here).
    symlinkSync(join(REPO, 'node_modules'), join(repo, 'node_modules'), 'dir');
    expect(run('exportctl', ['init', '.'], repo, env).code).toBe(0);
    mkdirSync(join(repo, '.husky'));
    writeFileSync(join(repo, '.husky', 'pre-commit'), HUSKY_PRE_COMMIT);
    // `npm install` runs `prepare`: husky points git at .husky/_.
    const husky = run(process.execPath, [join(REPO, 'node_modules/husky/bin.js')], repo, env);
    expect(husky.out).toBe('');
    expect(git(repo, env, 'config', 'core.hooksPath').trim()).toBe('.husky/_');
  });

  it('accepts a good commit', () => {
    git(repo, env, 'add', '-A');
    const r = run('git', ['commit', '-m', 'scaffold'], repo, env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/exportctl check --ignore-unknown/);
    expect(commits()).toBe(1);
  });

  it('refuses a bad commit with the findings', () => {
    const staging = join(repo, 'config/envs/staging.yaml');
    const original = readFileSync(staging, 'utf8');
    writeFileSync(staging, `${original}server:\n  timout: 10s\n`);
    git(repo, env, 'add', '-A');
    const r = run('git', ['commit', '-m', 'typo'], repo, env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /config\/envs\/staging\.yaml:\d+:3 {2}error {2}unknown key "timout" in server \(did you mean "timeout"\?\) \[staging\] {2}schema\/invalid/,
    );
    expect(commits()).toBe(1);
    // Take the mistake back out, and commit.
    writeFileSync(staging, `# staging: sized like prod, one instance\n${original}`);
    git(repo, env, 'add', '-A');
    const fixed = run('git', ['commit', '-m', 'staging timeout'], repo, env);
    expect(fixed.code, fixed.out).toBe(0);
    expect(commits()).toBe(2);
  });
});
