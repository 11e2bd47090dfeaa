/** What a newcomer sees first: summaries that match the lines shown, no silent runs, exit codes as documented. */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN, CLI, EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

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

describe('the drift table fits the terminal', () => {
  const tableOf = (stdout: string) =>
    stdout.slice(stdout.indexOf('PATH'), stdout.indexOf('\n\n', stdout.indexOf('PATH')));

  it('80 columns when not a terminal, COLUMNS when set; every path whole', () => {
    for (const [cwd, columns] of [
      [EXAMPLE, undefined],
      [EXAMPLE, '60'],
      [BROKEN, undefined],
    ] as const) {
      const r = runCli(['drift', '--all'], { cwd, env: columns ? { COLUMNS: columns } : {} });
      const width = Number(columns ?? 80);
      const table = tableOf(r.stdout).split('\n');
      for (const line of table) expect([...line].length, line).toBeLessThanOrEqual(width);
      const json = JSON.parse(runCli(['drift', '--all', '--format', 'json'], { cwd }).stdout);
      for (const row of json.rows as { path: string }[]) expect(r.stdout).toContain(row.path);
    }
    const wide = runCli(['drift'], { cwd: EXAMPLE, env: { COLUMNS: '250' } });
    expect(wide.stdout).toMatch(
      /^server\.host +127\.0\.0\.1 ~ +0\.0\.0\.0 +0\.0\.0\.0 +allowed: dev listens on loopback only$/m,
    );
  });

  it('a path longer than its column stands on its own line, never cut', () => {
    const dir = join(tmp.dir, 'long-path');
    expect(runCli(['init', dir]).code).toBe(0);
    const dev = join(dir, 'config/envs/dev.yaml');
    const key = 'a_really_quite_long_metadata_label_name_for_testing';
    writeFileSync(dev, `${readFileSync(dev, 'utf8')}\nmetadata:\n  labels:\n    ${key}: x\n`);
    const r = runCli(['drift'], { cwd: dir });
    const lines = tableOf(r.stdout).split('\n');
    expect(lines).toContain(`metadata.labels.${key}`);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
  });
});

describe('messages', () => {
  it('--help marks the options a command cannot run without', () => {
    for (const cmd of ['print', 'export', 'serve', 'plan']) {
      const r = runCli([cmd, '--help']);
      expect(r.stdout, cmd).toMatch(/--env <name> +.*\(required\)/);
    }
    expect(runCli(['check', '--help']).stdout).not.toContain('(required)');
  });

  it('a directory without a project suggests init', () => {
    const dir = join(tmp.dir, 'empty');
    mkdirSync(dir);
    const r = runCli(['check'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /no exportctl\.yaml in this directory or above it \(`exportctl init` creates a project\)/,
    );
  });

  it('explain with no rule, or --list, lists every rule of the registry', () => {
    const r = runCli(['explain'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    const json = JSON.parse(runCli(['explain', '--list', '--format', 'json'], { cwd: tmp.dir }).stdout) as {
      id: string;
      severity: string;
      description: string;
    }[];
    expect(json.length).toBeGreaterThan(30);
    for (const rule of json) {
      expect(r.stdout).toMatch(
        new RegExp(`^${rule.id.replace(/[/-]/g, '\\$&')} +${rule.severity} +\\S`, 'm'),
      );
      // Each listed id is one explain knows.
    }
    expect(runCli(['explain', json[0].id]).code).toBe(0);
    expect(r.stdout).toContain(`${json.length} rules`);
    const unknown = runCli(['explain', 'no/such-rule']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('exportctl explain --list');
  });

  it('print --provenance puts a map at its key’s own line', () => {
    const r = runCli(['print', '--env', 'prod', '--provenance'], { cwd: EXAMPLE });
    const base = readFileSync(join(EXAMPLE, 'config/base.yaml'), 'utf8').split('\n');
    for (const key of ['metadata', 'server', 'database']) {
      const m = new RegExp(`^${key}: # config/base\\.yaml:(\\d+):(\\d+)$`, 'm').exec(r.stdout);
      expect(m, key).not.toBeNull();
      expect(base[Number(m![1]) - 1]).toMatch(new RegExp(`^${key}:`));
      expect(m![2]).toBe('1');
    }
  });
});

describe('drift --live', () => {
  it('a 401 names EXPORTCTL_TOKEN, and never prints the token', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"unauthorized"}');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}`;
      const run = (token?: string) =>
        new Promise<{ code: number | null; stderr: string }>((ok) => {
          const env = { ...process.env, NO_COLOR: '1', EXPORTCTL_TOKEN: token ?? '' };
          const child = spawn(process.execPath, [CLI, 'drift', '--live', url, '--env', 'prod'], {
            cwd: EXAMPLE,
            env,
          });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => ok({ code, stderr }));
        });
      const without = await run();
      expect(without.code).toBe(2);
      expect(without.stderr).toMatch(/answered HTTP 401; set EXPORTCTL_TOKEN to a token the service accepts/);
      const wrong = await run('s3cr3t-t0ken');
      expect(wrong.stderr).toMatch(/does not accept the token in EXPORTCTL_TOKEN/);
      expect(wrong.stderr).not.toContain('s3cr3t-t0ken');
    } finally {
      server.close();
    }
  });
});
