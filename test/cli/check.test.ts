import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN, CLI, EXAMPLE, REPO, runCli, tempDir } from '../helpers/cli.js';
import { requireExecutable } from '../helpers/prerequisites.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('exportctl check', () => {
  it('passes the example project with exit 0', () => {
    const r = runCli(['check'], { cwd: EXAMPLE });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no problems \(\d+ files, 3 environments\)/);
  });

  it('--format json matches docs/reference.md#json-format exactly', () => {
    const r = runCli(['check', '--format', 'json', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['version', 'results', 'summary']);
    expect(out.version).toBe(1);
    expect(Object.keys(out.summary)).toEqual(['errors', 'warnings', 'files']);
    expect(out.summary.errors).toBe(
      out.results.filter((x: { severity: string }) => x.severity === 'error').length,
    );
    expect(out.summary.files).toBeGreaterThanOrEqual(4);
    for (const res of out.results) {
      expect(Object.keys(res)).toEqual([
        'file',
        'line',
        'column',
        'endLine',
        'endColumn',
        'severity',
        'rule',
        'message',
        'path',
        'env',
      ]);
      expect(res.file).not.toMatch(/^\//);
      expect(res.line).toBeGreaterThanOrEqual(1);
    }
    const typo = out.results.find((x: { message: string }) => x.message.includes('"timout"'));
    expect(typo).toMatchObject({
      file: 'examples/broken/config/envs/dev.yaml',
      line: 2,
      column: 3,
      rule: 'schema/invalid',
      path: 'server.timout',
      env: 'dev',
    });
  });

  it('an overlay error points into the overlay; the effective config error is not repeated', () => {
    const r = runCli(['check', '--format', 'json', '--env', 'dev'], { cwd: BROKEN });
    const out = JSON.parse(r.stdout);
    const bare = out.results.filter(
      (x: { path: string; rule: string }) => x.path === 'export.timeout' && x.rule === 'schema/invalid',
    );
    expect(bare).toHaveLength(1);
    expect(bare[0]).toMatchObject({ file: 'config/envs/dev.yaml', line: 4, column: 12 });
    expect(bare[0].message).toMatch(/bare number 300/);
  });

  it('text output: path:line:col  severity  message  rule-id, grouped, with a summary', () => {
    const r = runCli(['check', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^examples\/broken\/config\/envs\/dev\.yaml:2:3 {2}error {2}unknown key "timout".* {2}schema\/invalid$/m,
    );
    expect(r.stdout).toMatch(/✖ \d+ errors?, \d+ warnings? \(\d+ files, 2 environments\)/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // no color when not a TTY
  });

  it('given a changed overlay (as pre-commit passes it), checks only the environments it affects', () => {
    const r = runCli(['check', '--format', 'json', 'examples/broken/config/envs/dev.yaml'], { cwd: REPO });
    const envs = new Set(JSON.parse(r.stdout).results.map((x: { env: string | null }) => x.env));
    expect(envs.has('dev')).toBe(true);
    expect(envs.has('prod')).toBe(false);
    // the reference's overlay (prod) affects every environment: each is compared with it
    const abs = runCli(['check', '--format', 'json', join(BROKEN, 'config/envs/prod.yaml')], { cwd: REPO });
    const absEnvs = new Set(JSON.parse(abs.stdout).results.map((x: { env: string | null }) => x.env));
    expect(absEnvs.has('dev')).toBe(true);
    expect(absEnvs.has('prod')).toBe(true);
  });

  it('--env limits the environments; an unknown one is a usage error', () => {
    expect(runCli(['check', '--env', 'prod', '--format', 'json'], { cwd: BROKEN }).stdout).not.toContain(
      '"env": "dev"',
    );
    const bad = runCli(['check', '--env', 'qa'], { cwd: BROKEN });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown environment "qa"/);
  });

  it('--output writes the report to a file', () => {
    const out = join(tmp.dir, 'report.json');
    const r = runCli(['check', '--format', 'json', '--output', out], { cwd: EXAMPLE });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.errors).toBe(0);
  });

  it('--max-warnings turns warnings into exit 1; --quiet shows errors only', () => {
    const dir = join(tmp.dir, 'warn');
    cpSync(EXAMPLE, dir, { recursive: true });
    // liveness starting before readiness is a warning (probes/liveness-after-readiness) in every environment
    const base = join(dir, 'config/base.yaml');
    writeFileSync(base, readFileSync(base, 'utf8').replace('initial_delay: 10s', 'initial_delay: 1s'));
    const r = runCli(['check', '--format', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ errors: 0, warnings: 3 });
    expect(r.code).toBe(0);
    expect(runCli(['check', '--max-warnings', '3'], { cwd: dir }).code).toBe(0);
    expect(runCli(['check', '--max-warnings', '2'], { cwd: dir }).code).toBe(1);
    const quiet = runCli(['check', '--quiet', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(quiet.stdout).results).toEqual([]);
    expect(runCli(['check', '--max-warnings', 'lots'], { cwd: dir }).code).toBe(2);
  });

  it('exit codes: 0 clean, 1 findings, 2 usage errors and unusable manifests', () => {
    expect(runCli(['check'], { cwd: EXAMPLE }).code).toBe(0);
    expect(runCli(['check'], { cwd: BROKEN }).code).toBe(1);
    expect(runCli(['check', '--format', 'xml'], { cwd: EXAMPLE }).code).toBe(2);
    expect(runCli(['check', '--bogus-flag'], { cwd: EXAMPLE }).code).toBe(2);
    expect(runCli(['frobnicate'], { cwd: EXAMPLE }).code).toBe(2);
    const dir = join(tmp.dir, 'badmanifest');
    mkdirSync(dir);
    writeFileSync(join(dir, 'exportctl.yaml'), 'apiVersion: exportctl/v1\nkind: Project\nname: x\n');
    const r = runCli(['check', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).results[0].message).toMatch(/missing required field "base"/);
  });

  it('honours NO_COLOR and --no-color, and colors when forced', () => {
    const forced = runCli(['check'], { cwd: BROKEN, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[31merror/);
    const no = runCli(['check', '--no-color'], {
      cwd: BROKEN,
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(no.stdout).not.toMatch(/\u001b\[/);
  });

  it('colours on a terminal and not when stdout is a pipe, with neither NO_COLOR nor FORCE_COLOR set', () => {
    const plain = { NO_COLOR: undefined, FORCE_COLOR: undefined };
    // runCli's stdout is a pipe: no escape codes at all.
    const piped = runCli(['check'], { cwd: BROKEN, env: plain });
    expect(piped.code).toBe(1);
    expect(piped.stdout).toMatch(/ error /);
    expect(piped.stdout + piped.stderr).not.toMatch(/\u001b\[/);
    // The same command on a pseudo-terminal (util-linux `script`) is coloured: the check above can fail.
    const shell = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} check`;
    const script = requireExecutable('script', 'util-linux (Debian: apt-get install bsdutils)');
    const tty = spawnSync(script, ['-qec', shell, '/dev/null'], {
      cwd: BROKEN,
      encoding: 'utf8',
      env: { ...process.env, ...plain },
      timeout: 60_000,
    });
    expect(tty.stdout).toMatch(/\u001b\[31merror/);
  });

  it('checks a standalone config file by its kind', () => {
    const f = join(tmp.dir, 'lone.yaml');
    writeFileSync(f, 'apiVersion: exportctl/v1\nkind: ExportConfig\nmetadata: { name: x }\n');
    const r = runCli(['check', '--format', 'json', f], { cwd: tmp.dir });
    expect(r.code).toBe(1);
    const msgs = JSON.parse(r.stdout).results.map((x: { message: string }) => x.message);
    expect(msgs).toContain('missing required field "server" in the document');
  });
});

describe('exportctl print', () => {
  it('prints the effective config with provenance and ${VAR} unresolved', () => {
    const r = runCli(['print', '--env', 'dev', '--provenance'], { cwd: EXAMPLE });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/host: 127\.0\.0\.1 # config\/envs\/dev\.yaml:4:9/);
    expect(r.stdout).toMatch(/port: 8080 # config\/base\.yaml:\d+:\d+/);
    expect(r.stdout).toContain('${DATABASE_URL:-sqlite:data/orders.db}');
    expect(r.stdout).toMatch(/needs DATABASE_URL/);
  });

  it('redacts literal secrets', () => {
    const r = runCli(['print', '--env', 'prod', '--format', 'json'], { cwd: BROKEN });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('hunter2');
    expect(JSON.parse(r.stdout).database.url).toBe('postgres://exporter:****@db.internal:5432/orders');
  });

  it('refuses an unknown environment', () => {
    expect(runCli(['print', '--env', 'nope'], { cwd: EXAMPLE }).code).toBe(2);
  });
});
