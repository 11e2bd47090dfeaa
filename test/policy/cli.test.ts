/** `exportctl policy test` and `exportctl explain` through the built CLI (npm test builds first). */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function project(): string {
  const t = tempDir('exportctl-policy-cli-');
  cleanups.push(t.cleanup);
  cpSync(EXAMPLE, t.dir, { recursive: true, filter: (src) => !/\/(exports|data)$/.test(src) });
  return t.dir;
}

describe('exportctl policy test', () => {
  it('runs the built-in and the local fixtures of the project (exit 0)', () => {
    const r = runCli(['policy', 'test'], { cwd: EXAMPLE });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ \d+ fixtures passed \(24 rules in 8 packs\)/);
  });

  it('takes a project directory, and --no-builtin runs only the local packs', () => {
    const r = runCli(['policy', 'test', EXAMPLE, '--no-builtin', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      summary: { rules: number; failed: number };
      results: Array<{ rule: string }>;
    };
    expect(out.summary).toMatchObject({ rules: 3, failed: 0 });
    expect(new Set(out.results.map((x) => x.rule))).toEqual(
      new Set(['team/probe-timeout', 'team/owner-label', 'team/csv-header']),
    );
  });

  it('reports each failing fixture at its position (exit 1)', () => {
    const dir = project();
    const pack = join(dir, 'policies/team-rules.yaml');
    const text = readFileSync(pack, 'utf8').replace(
      'fail: [ { probes: { liveness: { timeout: 10s, period: 10s } } } ]',
      'fail: [ { probes: { liveness: { timeout: 1s, period: 10s } } } ]',
    );
    writeFileSync(pack, text);
    const line =
      text.split('\n').findIndex((l) => l.includes('fail: [ { probes: { liveness: { timeout: 1s')) + 1;
    const r = runCli(['policy', 'test'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `policies/team-rules.yaml:${line}:15  fail  team/probe-timeout fail[0]: expected a finding, got none`,
    );
    expect(r.stdout).toMatch(/✖ 1 of \d+ fixtures failed/);
  });

  it('runs a pack file given directly', () => {
    const r = runCli(['policy', 'test', join(EXAMPLE, 'policies/team-rules.yaml'), '--no-builtin']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ 8 fixtures passed \(3 rules in 1 pack\)/);
  });

  it('exits 2 with a positioned error when a pack cannot be used', () => {
    const dir = project();
    const pack = join(dir, 'policies/team-rules.yaml');
    writeFileSync(
      pack,
      readFileSync(pack, 'utf8').replace(
        'assert: has(metadata.owner)',
        'assert: has(metadata.owner) &&& true',
      ),
    );
    for (const args of [['policy', 'test'], ['check']]) {
      const r = runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout + r.stderr).toMatch(
        /policies\/team-rules\.yaml:\d+:\d+ {2}error {2}assert: .* {2}policy\/invalid/,
      );
      expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
    }
  });
});

describe('exportctl explain', () => {
  it('prints a built-in rule with its examples', () => {
    const r = runCli(['explain', 'timeouts/ordering']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^timeouts\/ordering {2}\(default severity: error; built-in; CEL\)/);
    expect(r.stdout).toContain('Fails on:');
    expect(r.stdout).toContain('Passes on:');
  });

  it('prints a local rule of the project it runs in, and rules of other stages', () => {
    const r = runCli(['explain', 'team/probe-timeout'], { cwd: EXAMPLE });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('local pack policies/team-rules.yaml:8');
    const w = runCli(['explain', 'waiver/expired', '--format', 'json']);
    expect(JSON.parse(w.stdout)).toMatchObject({ id: 'waiver/expired', severity: 'error', engine: 'stage' });
  });

  it('exits 2 with a did-you-mean for an unknown rule', () => {
    const r = runCli(['explain', 'export/chunk-sise']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "export/chunk-sise" (did you mean "export/chunk-size"?)');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
