/**
 * `check --new-since REF` and the committed baseline file, on real git repositories the tests
 * build: the project (a copy of examples/broken) lives in a subfolder, so the path relative to
 * the git root matters; a feature branch, a commit on main after it, and their merge base.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, runCli, tempDir } from '../helpers/cli.js';
import { git, isolatedEnv } from '../helpers/git.js';

interface Result {
  file: string | null;
  rule: string;
  env: string | null;
  path: string | null;
  severity: string;
  message: string;
  baselineState?: string;
}

const tmp = tempDir('exportctl-newsince-');
afterAll(() => tmp.cleanup());
const env = isolatedEnv(join(tmp.dir, 'home'));
const repo = join(tmp.dir, 'repo');
const proj = join(repo, 'services', 'orders');
const dev = join(proj, 'config', 'envs', 'dev.yaml');
const prod = join(proj, 'config', 'envs', 'prod.yaml');
const base = join(proj, 'config', 'base.yaml');
let original: { dev: string; prod: string; base: string };

function check(...args: string[]) {
  const r = runCli(['check', '--format', 'json', ...args], { cwd: proj, env });
  const results: Result[] = r.stdout ? JSON.parse(r.stdout).results : [];
  return { ...r, results };
}

function restore(): void {
  writeFileSync(dev, original.dev);
  writeFileSync(prod, original.prod);
  writeFileSync(base, original.base);
}

beforeAll(() => {
  cpSync(BROKEN, proj, { recursive: true });
  git(tmp.dir, env, 'init', '-q', repo);
  git(repo, env, 'add', '-A');
  git(repo, env, 'commit', '-q', '-m', 'the project');
  git(repo, env, 'checkout', '-q', '-b', 'feature');
  // main moves on after the branch: a violation the feature branch never had.
  git(repo, env, 'checkout', '-q', 'main');
  writeFileSync(prod, `${readFileSync(prod, 'utf8')}  main_only_key: 1\n`);
  git(repo, env, 'commit', '-q', '-am', 'main: a new key');
  git(repo, env, 'checkout', '-q', 'feature');
  original = {
    dev: readFileSync(dev, 'utf8'),
    prod: readFileSync(prod, 'utf8'),
    base: readFileSync(base, 'utf8'),
  };
});

describe('check --new-since REF', () => {
  it('with no change every finding is existing and the exit code is 0 (without it: 1)', () => {
    restore();
    const plain = check();
    expect(plain.code).toBe(1);
    expect(plain.results.every((x) => x.baselineState === undefined)).toBe(true);
    const r = check('--new-since', 'HEAD');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.results.length).toBe(plain.results.length);
    expect(r.results.every((x) => x.baselineState === 'unchanged')).toBe(true);
  });

  it("checks the base's tree as a checkout has it, whatever its export-ignore attributes say", () => {
    restore();
    const attributes = join(repo, '.gitattributes');
    writeFileSync(attributes, 'services/orders/config/** export-ignore\n');
    git(repo, env, 'add', '.gitattributes');
    git(repo, env, 'commit', '-q', '-m', 'feature: archive attributes');
    try {
      const r = check('--new-since', 'HEAD');
      expect(r.code).toBe(0);
      expect(r.results.length).toBeGreaterThan(0);
      expect(r.results.every((x) => x.baselineState === 'unchanged')).toBe(true);
    } finally {
      git(repo, env, 'reset', '-q', '--hard', 'HEAD~1');
    }
  });

  it('lines inserted above a violation and an edit elsewhere in the file keep it existing', () => {
    restore();
    const moved = `# reviewed by the platform team\n# (two lines that move everything down)\n${original.dev.replace('# a typo: unknown key', '# still a typo')}`;
    writeFileSync(dev, moved);
    git(repo, env, 'commit', '-q', '-am', 'feature: comments');
    try {
      const typo = check('--new-since', 'HEAD~1').results.find((x) => x.path === 'server.timout');
      expect(typo).toMatchObject({ file: 'config/envs/dev.yaml', env: 'dev', baselineState: 'unchanged' });
      const r = check('--new-since', 'HEAD~1');
      expect(r.code).toBe(0);
      expect(r.results.filter((x) => x.baselineState !== 'unchanged')).toEqual([]);
      // The line did move: the fingerprint, not the position, matched it.
      const before = runCli(['check', '--format', 'json', '--env', 'dev'], { cwd: proj, env });
      expect(JSON.parse(before.stdout).results.find((x: Result) => x.path === 'server.timout').line).toBe(4);
    } finally {
      git(repo, env, 'reset', '-q', '--hard', 'HEAD~1');
    }
  });

  it('the same violation in another environment is new and fails; the old one stays existing', () => {
    restore();
    writeFileSync(prod, `${original.prod}  timout: 10s\n`);
    const r = check('--new-since', 'HEAD');
    expect(r.code).toBe(1);
    const fresh = r.results.filter((x) => x.baselineState === 'new');
    expect(fresh).toEqual([
      expect.objectContaining({
        rule: 'schema/invalid',
        env: 'prod',
        path: 'server.timout',
        file: 'config/envs/prod.yaml',
      }),
    ]);
    const old = r.results.find((x) => x.env === 'dev' && x.path === 'server.timout');
    expect(old?.baselineState).toBe('unchanged');
    restore();
  });

  it('a violation moved to another file is new there; the fixed one disappears', () => {
    restore();
    writeFileSync(dev, original.dev.replace(/^ {2}timout: 10s.*\n/m, '  timeout: 10s\n'));
    writeFileSync(base, original.base.replace(/^server:\n/m, 'server:\n  timout: 10s\n'));
    const r = check('--new-since', 'HEAD');
    expect(r.code).toBe(1);
    const typos = r.results.filter((x) => x.path === 'server.timout');
    expect(typos.length).toBeGreaterThan(0);
    for (const t of typos) expect(t).toMatchObject({ file: 'config/base.yaml', baselineState: 'new' });
    expect(r.results.some((x) => x.file === 'config/envs/dev.yaml' && x.path === 'server.timout')).toBe(
      false,
    );
    restore();
  });

  it('a fixed finding leaves the report; nothing new: exit 0', () => {
    restore();
    const before = check('--new-since', 'HEAD').results;
    writeFileSync(dev, original.dev.replace('format: parquet', 'format: jsonl'));
    const r = check('--new-since', 'HEAD');
    expect(r.code).toBe(0);
    expect(r.results.length).toBeLessThan(before.length);
    expect(r.results.some((x) => x.path === 'export.output.format')).toBe(false);
    expect(r.results.every((x) => x.baselineState === 'unchanged')).toBe(true);
    restore();
  });

  it('against the merge base, main’s later violation is not the branch’s; against main it is fixed', () => {
    restore();
    const mergeBase = git(repo, env, 'merge-base', 'main', 'feature').trim();
    expect(check('--new-since', mergeBase).code).toBe(0);
    // Compared with main, the branch lacks main's key: nothing new either, and the key's finding is absent.
    const vsMain = check('--new-since', 'main');
    expect(vsMain.code).toBe(0);
    expect(vsMain.results.some((x) => x.message.includes('main_only_key'))).toBe(false);
    // On main, compared with the merge base, main's key is the one new finding.
    git(repo, env, 'checkout', '-q', 'main');
    try {
      const onMain = check('--new-since', mergeBase);
      expect(onMain.code).toBe(1);
      expect(onMain.results.filter((x) => x.baselineState === 'new').map((x) => x.path)).toEqual([
        'server.main_only_key',
      ]);
    } finally {
      git(repo, env, 'checkout', '-q', 'feature');
    }
  });

  it('text marks existing findings; SARIF carries baselineState new/unchanged', () => {
    restore();
    writeFileSync(prod, `${original.prod}  timout: 10s\n`);
    const text = runCli(['check', '--new-since', 'HEAD'], { cwd: proj, env });
    expect(text.code).toBe(1);
    const lines = text.stdout.split('\n').filter((l) => l.includes('timout'));
    expect(lines.find((l) => l.includes('[dev]'))).toContain('(existing)');
    expect(lines.find((l) => l.includes('[prod]'))).not.toContain('(existing)');
    expect(text.stdout).toMatch(/\n {2}new: 1 error, 0 warnings; the rest existed at the base\n$/);
    const sarif = runCli(['check', '--format', 'sarif', '--new-since', 'HEAD'], { cwd: proj, env });
    const results = JSON.parse(sarif.stdout).runs[0].results as {
      baselineState: string;
      properties: { path?: string; environments: string[] };
    }[];
    expect(new Set(results.map((x) => x.baselineState))).toEqual(new Set(['new', 'unchanged']));
    const fresh = results.filter((x) => x.baselineState === 'new');
    expect(fresh.map((x) => [x.properties.path, x.properties.environments])).toEqual([
      ['server.timout', ['prod']],
    ]);
    restore();
  });
});

describe('check --baseline FILE / --update-baseline', () => {
  it('round trip: written sorted, without lines or secrets, stable; then only new findings fail', () => {
    restore();
    const file = join(repo, 'exportctl-baseline.json');
    const w = check('--baseline', file, '--update-baseline');
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/wrote .*exportctl-baseline\.json: \d+ findings/);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2');
    const doc = JSON.parse(text);
    expect(doc.version).toBe(1);
    expect(doc.findings.length).toBe(w.results.length);
    for (const e of doc.findings)
      expect(Object.keys(e)).toEqual(['rule', 'env', 'file', 'path', 'fingerprint']);
    const key = (e: Record<string, string | null>) =>
      ['rule', 'env', 'file', 'path', 'fingerprint'].map((k) => e[k] ?? '').join('\0');
    const keys = doc.findings.map(key);
    expect(keys).toEqual([...keys].sort());
    // Files relative to the git root, POSIX.
    expect(
      doc.findings.some((e: { file: string }) => e.file === 'services/orders/config/envs/dev.yaml'),
    ).toBe(true);

    // Lines move: the file does not churn and nothing is new.
    writeFileSync(dev, `# moved\n\n${original.dev}`);
    expect(check('--baseline', file).code).toBe(0);
    check('--baseline', file, '--update-baseline');
    expect(readFileSync(file, 'utf8')).toBe(text);

    // A new violation fails, alone.
    writeFileSync(prod, `${original.prod}  timout: 10s\n`);
    const r = check('--baseline', file);
    expect(r.code).toBe(1);
    expect(r.results.filter((x) => x.baselineState === 'new').map((x) => [x.env, x.path])).toEqual([
      ['prod', 'server.timout'],
    ]);
    restore();
  });
});

describe('one fingerprint: SARIF and GitLab carry the one the baseline compares', () => {
  it("a single-environment finding's partialFingerprint is its baseline fingerprint", () => {
    restore();
    const file = join(tmp.dir, 'agree-baseline.json');
    expect(check('--baseline', file, '--update-baseline').code).toBe(0);
    const baseline = JSON.parse(readFileSync(file, 'utf8')).findings as {
      env: string | null;
      path: string | null;
      fingerprint: string;
    }[];
    const sarif = runCli(['check', '--format', 'sarif', '--baseline', file], { cwd: proj, env });
    const results = JSON.parse(sarif.stdout).runs[0].results as {
      baselineState: string;
      partialFingerprints: Record<string, string>;
      properties: { path?: string; environments: string[] };
    }[];
    const single = results.filter((x) => x.properties.environments.length === 1);
    expect(single.length).toBeGreaterThan(0);
    const known = new Set(baseline.map((e) => e.fingerprint));
    for (const x of single) {
      expect(x.baselineState).toBe('unchanged');
      expect(known.has(x.partialFingerprints['exportctl/v2'])).toBe(true);
    }
    const gitlab = runCli(['check', '--format', 'gitlab', '--baseline', file], { cwd: proj, env });
    const prints = (JSON.parse(gitlab.stdout) as { fingerprint: string }[]).map((i) => i.fingerprint);
    expect(prints.sort()).toEqual(results.map((x) => x.partialFingerprints['exportctl/v2']).sort());
  });
});
