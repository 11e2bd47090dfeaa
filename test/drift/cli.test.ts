import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN, EXAMPLE, hasStackTrace, REPO, runCli, tempDir } from '../helpers/cli.js';
import { manifest, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-cli-');
afterAll(() => tmp.cleanup());

const DRIFT_RULES = ['drift/missing', 'drift/redundant-override', 'drift/unexpected', 'drift/unused-allow'];

/** Splits a markdown table row on the pipes that are not escaped. */
const mdCells = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

describe('exportctl drift on the example project', () => {
  it('shows its allowed differences side by side and exits 0: no drift', () => {
    // Wide enough for the verdicts beside the values (80 columns puts them under each row).
    const r = runCli(['drift'], { cwd: EXAMPLE, env: { COLUMNS: '200' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PATH +dev +staging +prod \(ref\) +VERDICT$/m);
    expect(r.stdout).toMatch(
      /^server\.host +127\.0\.0\.1 ~ +0\.0\.0\.0 +0\.0\.0\.0 +allowed: dev listens on loopback only$/m,
    );
    expect(r.stdout).toMatch(/0 drifted, 0 missing, 9 allowed/);
    expect(r.stdout).not.toMatch(/ \* /);
    expect(r.stdout).toMatch(/✔ no problems/);
  });

  it('check reports no drift finding for it either', () => {
    const r = runCli(['check', '--format', 'json'], { cwd: EXAMPLE });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results.filter((x: { rule: string }) => x.rule.startsWith('drift/'))).toEqual(
      [],
    );
  });

  it('--format json: columns, rows with a cell per environment, results in check’s shape', () => {
    const r = runCli(['drift', '--format', 'json', '--project', 'examples/orders-export'], { cwd: REPO });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'version',
      'project',
      'reference',
      'columns',
      'rows',
      'results',
      'summary',
    ]);
    expect(out).toMatchObject({ version: 1, project: 'orders-export', reference: 'prod' });
    expect(out.columns.map((c: { id: string }) => c.id)).toEqual(['dev', 'staging', 'prod']);
    expect(out.columns[2]).toEqual({ id: 'prod', env: 'prod', kind: 'declared', protected: true });
    const type = out.rows.find((x: { path: string }) => x.path === 'infrastructure.instance.type');
    expect(type.verdict).toBe('allowed');
    expect(type.cells.dev).toEqual({
      status: 'allowed',
      value: 't3.small',
      configPath: 'infrastructure.instance.type',
      file: 'examples/orders-export/config/envs/dev.yaml',
      line: 12,
      column: 21,
      allow: 'infrastructure.instance.type',
      reason: 'smaller machines outside prod',
    });
    expect(type.cells.prod).toMatchObject({ status: 'reference', value: 'm6i.large', line: 6 });
    expect(out.summary).toEqual({
      errors: 0,
      warnings: 0,
      keys: out.summary.keys,
      drifted: 0,
      missing: 0,
      allowed: 9,
      normalized: 0,
    });
    expect(out.summary.keys).toBeGreaterThan(80);
    // --all lists every key
    const all = JSON.parse(runCli(['drift', '--format', 'json', '--all'], { cwd: EXAMPLE }).stdout);
    expect(all.rows).toHaveLength(out.summary.keys);
  });

  it('--env limits the columns to that environment beside the reference', () => {
    const out = JSON.parse(
      runCli(['drift', '--format', 'json', '--env', 'staging'], { cwd: EXAMPLE }).stdout,
    );
    expect(out.columns.map((c: { id: string }) => c.id)).toEqual(['staging', 'prod']);
    expect(out.rows.every((x: { cells: object }) => Object.keys(x.cells).join() === 'staging,prod')).toBe(
      true,
    );
    expect(out.rows.some((x: { path: string }) => x.path === 'server.host')).toBe(false); // only dev differs there
  });
});

describe('exportctl drift on the broken example', () => {
  it('shows every drift rule, marks drifted cells, exits 1', () => {
    // Wide enough for every verdict on its row (the default, 80 columns, wraps the longest).
    const r = runCli(['drift'], { cwd: BROKEN, env: { COLUMNS: '200' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^export\.timeout +300 \* +300s +drift: dev$/m);
    expect(r.stdout).toMatch(/^server\.timout +10s \* +— +missing: dev$/m);
    expect(r.stdout).toMatch(
      /^export\.output\.format +parquet ~ +csv +allowed: dev tries a new output format$/m,
    );
    for (const rule of DRIFT_RULES) expect(r.stdout).toContain(rule);
    expect(r.stdout).toMatch(/✖ 4 errors, 2 warnings/);
  });

  it('check reports the same drift findings, each where it is caused', () => {
    const r = runCli(['check', '--format', 'json', 'examples/broken'], { cwd: REPO });
    const drift = JSON.parse(r.stdout).results.filter((x: { rule: string }) => x.rule.startsWith('drift/'));
    expect([...new Set(drift.map((x: { rule: string }) => x.rule))].sort()).toEqual(DRIFT_RULES);
    const pick = (rule: string, path: string) =>
      drift.find((x: { rule: string; path: string }) => x.rule === rule && x.path === path);
    expect(pick('drift/unexpected', 'export.timeout')).toMatchObject({
      file: 'examples/broken/config/envs/dev.yaml',
      line: 4,
      env: 'dev',
    });
    expect(pick('drift/redundant-override', 'server.timeout')).toMatchObject({
      file: 'examples/broken/config/envs/prod.yaml',
      env: 'prod',
      severity: 'warning',
    });
    expect(pick('drift/unused-allow', 'drift.allow[0].path')).toMatchObject({
      file: 'examples/broken/exportctl.yaml',
      env: null,
    });
  });

  it('--format markdown: a table of paths × environments for a pull-request comment', () => {
    const r = runCli(['drift', '--format', 'markdown'], { cwd: BROKEN });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('### ❌ exportctl drift: broken-export');
    const header = lines.findIndex((l) => l.startsWith('| path |'));
    expect(lines[header]).toBe('| path | dev | prod (reference) | verdict |');
    expect(lines[header + 1]).toBe('|---|---|---|---|');
    const rows = lines.slice(header + 2, lines.indexOf('', header));
    const json = JSON.parse(runCli(['drift', '--format', 'json'], { cwd: BROKEN }).stdout);
    expect(rows).toHaveLength(json.rows.length);
    for (const row of rows) expect(mdCells(row)).toHaveLength(4);
    expect(rows).toContain('| `export.timeout` | ❌ **`300`** | `300s` | **drift: dev** |');
    expect(r.stdout).toMatch(/^- ⚠️ \*\*warning\*\* `drift\/unused-allow` `exportctl\.yaml:12:13`: /m);
  });

  it('--format html: one self-contained page', () => {
    const r = runCli(['drift', '--format', 'html'], { cwd: BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(r.stdout).not.toMatch(/<script|<link|src=|https?:\/\//i);
    expect(r.stdout).toMatch(
      /<td class="cell drift"[^>]*data-env="dev" data-status="drift" data-origin="config\/envs\/dev\.yaml:4:12"/,
    );
    expect(r.stdout).toContain('<span class="reason">dev tries a new output format</span>');
  });

  it('--output writes the report to a file and nothing to stdout', () => {
    const file = join(tmp.dir, 'drift.md');
    const r = runCli(['drift', '--format', 'markdown', '--output', file], { cwd: BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(
      runCli(['drift', '--format', 'markdown'], { cwd: BROKEN }).stdout,
    );
  });
});

describe('exportctl drift: exit codes and edge cases', () => {
  it('warnings only: 0, or 1 past --max-warnings', () => {
    const dir = writeProject(join(tmp.dir, 'warn'), {
      'exportctl.yaml': manifest('', ['dev', 'prod']),
      'base.yaml': 'server: { port: 8080 }\n',
      'envs/dev.yaml': 'server: { port: 8080 }\n',
      'envs/prod.yaml': '',
    });
    const r = runCli(['drift'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning {2}server\.port: the overlay sets 8080, the same as the base/);
    expect(runCli(['drift', '--max-warnings', '0'], { cwd: dir }).code).toBe(1);
  });

  it('markdown escapes pipes and backticks inside values', () => {
    const dir = writeProject(join(tmp.dir, 'md'), {
      'exportctl.yaml': manifest('', ['dev', 'prod']),
      'base.yaml': 'export:\n  source: { query: "select a | b" }\n',
      'envs/dev.yaml': 'export:\n  source: { query: "select `a` || b" }\n',
      'envs/prod.yaml': '',
    });
    const r = runCli(['drift', '--format', 'markdown'], { cwd: dir });
    const row = r.stdout.split('\n').find((l) => l.startsWith('| `export.source.query`'))!;
    expect(row).toBe(
      '| `export.source.query` | ❌ **``select `a` \\|\\| b``** | `select a \\| b` | **drift: dev** |',
    );
    expect(mdCells(row)).toHaveLength(4);
  });

  it('usage errors exit 2 without a stack trace', () => {
    const bad = runCli(['drift', '--format', 'yaml'], { cwd: EXAMPLE });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /unknown format "yaml" \(choose text, json, markdown, html, sarif, junit, github, gitlab\)/,
    );
    const none = runCli(['drift', '--project', join(tmp.dir, 'nope')], { cwd: EXAMPLE });
    expect(none.code).toBe(2);
    const env = runCli(['drift', '--env', 'qa'], { cwd: EXAMPLE });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/unknown environment "qa"/);
    for (const x of [bad, none, env]) expect(hasStackTrace(x.stderr + x.stdout)).toBe(false);
  });

  it('an overlay that does not parse: the problem on stderr, exit 1, no report', () => {
    const dir = writeProject(join(tmp.dir, 'syntax'), {
      'exportctl.yaml': manifest('', ['dev', 'prod']),
      'base.yaml': 'server: { port: 8080 }\n',
      'envs/dev.yaml': 'server: { port: 8080\n',
      'envs/prod.yaml': '',
    });
    const r = runCli(['drift'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/envs\/dev\.yaml:\d+:\d+ {2}error .* yaml\/syntax/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
