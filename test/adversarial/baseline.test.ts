/**
 * `check --new-since REF` and `--baseline FILE` under hostile input: REF strings that look like
 * git options or ranges, no git repository, a REF that does not exist, baseline files that are
 * not baselines or are too large. Each a usage error (exit 2) with a clear message, no stack
 * trace, nothing written, no temporary tree left behind.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';
import { git, isolatedEnv } from '../helpers/git.js';

const tmp = tempDir('exportctl-baseline-adv-');
afterAll(() => tmp.cleanup());
const repo = join(tmp.dir, 'repo');
const proj = join(repo, 'proj');
const scratch = join(tmp.dir, 'scratch');
// The CLI's temporary trees go here, so the test can see that none is left.
const env = { ...isolatedEnv(join(tmp.dir, 'home')), TMPDIR: scratch };

beforeAll(() => {
  mkdirSync(scratch);
  cpSync(BROKEN, proj, { recursive: true });
  git(tmp.dir, env, 'init', '-q', repo);
  git(repo, env, 'add', '-A');
  git(repo, env, 'commit', '-q', '-m', 'one');
  git(repo, env, 'branch', 'feature');
});

function check(cwd: string, ...args: string[]) {
  return runCli(['check', ...args], { cwd, env });
}

describe('check --new-since: hostile REF', () => {
  const marker = join(tmp.dir, 'written-by-git');
  it.each([
    [`--output=${marker}`],
    ['-h'],
    ['--help'],
    ['main..feature'],
    ['HEAD ..x'],
    ['HEAD; touch x'],
    ['no-such-branch'],
    ['$(id)'],
    ['HEAD\nHEAD'],
    ['a'.repeat(300)],
  ])('REF %j is a usage error, never a git option', (ref) => {
    const r = check(proj, `--new-since=${ref}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--new-since: (no commit|REF must be a git revision)/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toBe('');
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(proj, 'x'))).toBe(false);
  });

  it('outside a git repository: a clear usage error', () => {
    const loose = join(tmp.dir, 'loose');
    cpSync(BROKEN, loose, { recursive: true });
    const r = check(loose, '--new-since', 'HEAD');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--new-since: .* is not in a git repository/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('a PATH outside the repository is refused, not checked against itself', () => {
    const outside = join(tmp.dir, 'outside');
    cpSync(BROKEN, outside, { recursive: true });
    for (const p of [outside, '../../outside']) {
      const r = check(proj, '--new-since', 'HEAD', p);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--new-since: .* is outside the git repository/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('a valid REF leaves no temporary tree behind', () => {
    expect(check(proj, '--new-since', 'feature').code).toBe(0);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('check --baseline: files that are not baselines', () => {
  const cases: [string, (f: string) => void, RegExp][] = [
    ['not JSON', (f) => writeFileSync(f, 'rule: x\n'), /not JSON/],
    ['a list', (f) => writeFileSync(f, '[]'), /not an exportctl baseline/],
    ['another version', (f) => writeFileSync(f, '{"version":2,"findings":[]}'), /not an exportctl baseline/],
    [
      'a bad fingerprint',
      (f) => writeFileSync(f, '{"version":1,"findings":[{"fingerprint":"../x"}]}'),
      /findings\[0\]/,
    ],
    [
      'over the size cap',
      (f) => {
        writeFileSync(f, '');
        truncateSync(f, 9 * 1024 * 1024);
      },
      /too large|MiB/,
    ],
    ['a directory', (f) => mkdirSync(f), /not a regular file|directory/],
    ['missing', () => {}, /no such file|ENOENT|does not exist|cannot/i],
  ];
  it.each(cases)('%s: exit 2 with a clear message', (name, make, message) => {
    const file = join(tmp.dir, `baseline-${name.replace(/\W+/g, '-')}.json`);
    make(file);
    const r = check(proj, '--baseline', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('--baseline');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('--update-baseline without --baseline, and --baseline with --new-since, are usage errors', () => {
    const a = check(proj, '--update-baseline');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--update-baseline needs --baseline FILE/);
    const b = check(proj, '--baseline', join(tmp.dir, 'b.json'), '--new-since', 'HEAD');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/alternatives/);
  });

  it('--update-baseline refuses to replace a directory or device and writes nothing', () => {
    const r = check(proj, '--baseline', '/dev/null', '--update-baseline');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a regular file/);
  });
});
