/** What a newcomer sees first: summaries that match the lines shown, no silent runs, exit codes as documented. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The finding lines of a text report (`file:line:col  severity  ...`). */
function findingLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^\S+:\d+:\d+ {2}(error|warning|info) {2}/.test(l));
}

describe('check, text summary', () => {
  it('counts the lines it shows: a finding in several environments is one problem', () => {
    const r = runCli(['check'], { cwd: BROKEN });
    expect(r.code).toBe(1);
    const lines = findingLines(r.stdout);
    const errors = lines.filter((l) => /^\S+ {2}error {2}/.test(l)).length;
    const warnings = lines.filter((l) => /^\S+ {2}warning {2}/.test(l)).length;
    // Some lines stand for several environments: the per-environment count is larger.
    expect(lines.some((l) => l.includes('[dev, prod]'))).toBe(true);
    expect(r.stdout).toContain(`✖ ${errors} errors, ${warnings} warnings (`);
    const json = JSON.parse(runCli(['check', '--format', 'json'], { cwd: BROKEN }).stdout);
    expect(json.results.length).toBeGreaterThan(lines.length);
  });
});

describe('an unknown key in an overlay', () => {
  it('is reported once, by the schema, not also as drift', () => {
    const r = runCli(['check', '--format', 'json'], { cwd: BROKEN });
    const atTimout = JSON.parse(r.stdout).results.filter(
      (x: { path?: string }) => x.path === 'server.timout',
    );
    expect(atTimout.map((x: { rule: string }) => x.rule)).toEqual(['schema/invalid']);
    expect(atTimout[0].message).toMatch(/unknown key "timout"/);
  });

  it('in the reference overlay: no "set in prod but not in dev" for it either', () => {
    const dir = join(tmp.dir, 'ref-unknown');
    expect(runCli(['init', dir]).code).toBe(0);
    const prod = join(dir, 'config/envs/prod.yaml');
    writeFileSync(prod, `${readFileSync(prod, 'utf8')}\nexport:\n  bogus_key: 1\n`);
    const r = runCli(['check', '--format', 'json'], { cwd: dir });
    const results = JSON.parse(r.stdout).results as { rule: string; path?: string; env?: string }[];
    const at = results.filter((x) => x.path === 'export.bogus_key');
    expect(at.map((x) => `${x.rule} ${x.env}`)).toEqual(['schema/invalid prod']);
    expect(r.code).toBe(1);
    // The drift table still shows the row, explained by the schema finding beneath it.
    const d = runCli(['drift'], { cwd: dir });
    expect(d.stdout).toMatch(/^export\.bogus_key /m);
    expect(d.stdout).toMatch(/unknown key "bogus_key" in export .*schema\/invalid/);
    expect(d.stdout).not.toMatch(/bogus_key is set in/);
  });
});

describe('--output FILE', () => {
  it('says on stderr what it wrote; stdout stays empty', () => {
    const out = join(tmp.dir, 'report.sarif');
    const r = runCli(['check', '--format', 'sarif', '-o', out], { cwd: BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const text = runCli(['check'], { cwd: BROKEN }).stdout;
    const summary = /✖ (\d+) errors, (\d+) warnings/.exec(text);
    const n = Number(summary![1]) + Number(summary![2]);
    expect(r.stderr).toBe(
      `exportctl: wrote ${out}: ${n} problems (${summary![1]} errors, ${summary![2]} warnings)\n`,
    );
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  it('a clean project: "no problems"', () => {
    const dir = join(tmp.dir, 'clean');
    expect(runCli(['init', dir]).code).toBe(0);
    const r = runCli(['check', '--output', 'out.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('exportctl: wrote out.json: no problems\n');
  });
});

describe('exit codes', () => {
  it('a file that declares no kind is an error finding: exit 1, as its "1 error" says', () => {
    const file = join(tmp.dir, 'x.yaml');
    writeFileSync(file, 'foo: 1\n');
    const r = runCli(['check', file], { cwd: tmp.dir });
    expect(r.stdout).toMatch(/cannot tell what this file is/);
    expect(r.stdout).toMatch(/✖ 1 error, 0 warnings/);
    expect(r.code).toBe(1);
  });

  it('a manifest that cannot be used still exits 2', () => {
    const dir = join(tmp.dir, 'bad-manifest');
    expect(runCli(['init', dir]).code).toBe(0);
    writeFileSync(join(dir, 'exportctl.yaml'), 'kind: Project\nname: 3\n');
    expect(runCli(['check'], { cwd: dir }).code).toBe(2);
  });
});
