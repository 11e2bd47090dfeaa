/** The policy stage and rule controls through `checkProject`, on real project files. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import type { Finding } from '../../src/diagnostics/finding.js';
import { EXAMPLE, tempDir } from '../helpers/cli.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A copy of examples/orders-export to change. */
function project(): string {
  const t = tempDir('exportctl-policy-');
  cleanups.push(t.cleanup);
  cpSync(EXAMPLE, t.dir, { recursive: true, filter: (src) => !/\/(exports|data)$/.test(src) });
  return t.dir;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
  writeFileSync(file, next);
}

function append(file: string, text: string): void {
  writeFileSync(file, readFileSync(file, 'utf8') + text);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

const NOW = new Date('2026-06-01T12:00:00Z');
const check = (dir: string, extra: { envs?: string[]; now?: Date } = {}) =>
  checkProject({ cwd: dir, now: extra.now ?? NOW, envs: extra.envs });
const only = (fs: Finding[], rule: string) => fs.filter((f) => f.rule === rule);

describe('policy stage', () => {
  it('passes the example project with no findings', () => {
    const r = checkProject({ cwd: EXAMPLE, now: NOW });
    expect(r.findings).toEqual([]);
    expect(r.fatal).toBe(false);
    expect(r.files.some((f) => f.endsWith('policies/team-rules.yaml'))).toBe(true);
  });

  it('points a value set by an overlay into the overlay, with the overridden severity', () => {
    const dir = project();
    const prod = join(dir, 'config/envs/prod.yaml');
    append(prod, 'export:\n  chunk_size: 9000\n');
    const [f, ...rest] = only(check(dir).findings, 'export/chunk-size');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ env: 'prod', severity: 'error', path: 'export.chunk_size' });
    expect(f.message).toBe('export.chunk_size 9000 is outside 1000–5000 rows');
    expect(f.location?.file).toBe(prod);
    expect(f.location?.line).toBe(lineOf(prod, 'chunk_size: 9000'));
  });

  it('points a value of the base into the base, once per environment it affects', () => {
    const dir = project();
    const base = join(dir, 'config/base.yaml');
    edit(base, 'threshold: 300, for: 10m', 'threshold: 300, for: 30s');
    const fs = only(check(dir).findings, 'monitoring/alert-window');
    expect(fs.map((f) => f.env).sort()).toEqual(['dev', 'prod', 'staging']);
    for (const f of fs) {
      expect(f.path).toBe('monitoring.alerts[1].for');
      expect(f.message).toBe('alert ExportSlow fires after 30s; hold it for at least 1m to avoid flapping');
      expect(f.location?.file).toBe(base);
      expect(f.location?.line).toBe(lineOf(base, 'for: 30s'));
    }
  });

  it('applies envs scoping, protected_only and match', () => {
    const dir = project();
    append(join(dir, 'config/envs/dev.yaml'), 'probes:\n  liveness: { timeout: 10s }\n');
    const fs = check(dir).findings;
    // timeouts/ordering applies everywhere; team/probe-timeout only to staging and prod.
    expect(only(fs, 'timeouts/ordering').map((f) => f.env)).toEqual(['dev']);
    expect(only(fs, 'team/probe-timeout')).toEqual([]);
    append(join(dir, 'config/envs/staging.yaml'), 'probes:\n  liveness: { timeout: 10s }\n');
    expect(only(check(dir).findings, 'team/probe-timeout').map((f) => f.env)).toEqual(['staging']);
  });

  it('runs protected-only rules in protected environments', () => {
    const dir = project();
    append(join(dir, 'config/envs/prod.yaml'), 'export:\n  limits: { per_user_per_hour: 10 }\n');
    const fs = only(check(dir).findings, 'export/rate-limit');
    expect(fs.map((f) => [f.env, f.message])).toEqual([
      ['prod', 'export.limits.per_user_per_hour 10 is above 3 in protected environment prod'],
    ]);
  });

  it('evaluates cross-environment rules with envs', () => {
    const dir = project();
    writeFileSync(
      join(dir, 'policies/cross.yaml'),
      `apiVersion: exportctl/v1
kind: PolicyPack
name: cross
rules:
  - id: team/same-port
    severity: error
    description: Every environment serves on the reference environment's port.
    assert: envs[project.reference].server.port == server.port
    path: server.port
    message: "server.port \${server.port} differs from \${project.reference}'s \${envs[project.reference].server.port}"
`,
    );
    expect(only(check(dir).findings, 'team/same-port')).toEqual([]);
    append(join(dir, 'config/envs/dev.yaml'), 'server:\n  port: 8081\n'.replace('server:\n', ''));
    edit(join(dir, 'config/envs/dev.yaml'), 'host: 127.0.0.1', 'host: 127.0.0.1\n  port: 8081');
    const fs = only(check(dir).findings, 'team/same-port');
    expect(fs.map((f) => [f.env, f.message])).toEqual([['dev', "server.port 8081 differs from prod's 8080"]]);
  });

  it('reports a broken local pack at its own line and column, and is fatal', () => {
    const dir = project();
    const pack = join(dir, 'policies/team-rules.yaml');
    edit(
      pack,
      'assert: duration(probes.liveness.timeout) < duration(probes.liveness.period)',
      'assert: duration(probes.liveness.timeout) < ',
    );
    const r = check(dir);
    expect(r.fatal).toBe(true);
    const [f] = only(r.findings, 'policy/invalid');
    expect(f.location?.file).toBe(pack);
    const line = lineOf(pack, 'assert: duration(probes.liveness.timeout) < ');
    expect(f.location?.line).toBe(line);
    const col = readFileSync(pack, 'utf8').split('\n')[line - 1].indexOf('duration') + 1;
    // YAML drops the trailing space: the error is right after `<`.
    expect(f.location?.column).toBe(col + 'duration(probes.liveness.timeout) <'.length);
  });

  it('reports type errors and unknown variables when the pack loads', () => {
    const dir = project();
    const pack = join(dir, 'policies/team-rules.yaml');
    edit(
      pack,
      'assert: has(metadata.owner) && metadata.owner.matches("^[a-z][a-z0-9-]+$")',
      'assert: metadat.owner == 1',
    );
    const r = check(dir);
    expect(r.fatal).toBe(true);
    const [f] = only(r.findings, 'policy/invalid');
    expect(f.message).toMatch(/Unknown variable: metadat/);
    expect(f.location?.line).toBe(lineOf(pack, 'assert: metadat.owner'));
  });

  it('refuses a local rule that reuses a built-in id', () => {
    const dir = project();
    edit(join(dir, 'policies/team-rules.yaml'), 'id: team/owner-label', 'id: export/chunk-size');
    const r = check(dir);
    expect(r.fatal).toBe(true);
    expect(only(r.findings, 'policy/invalid')[0].message).toMatch(/already a built-in rule/);
  });

  it('reports evaluation errors at the rule, but not on environments whose schema failed', () => {
    const dir = project();
    writeFileSync(
      join(dir, 'policies/fragile.yaml'),
      `apiVersion: exportctl/v1
kind: PolicyPack
name: fragile
rules:
  - id: team/fragile
    severity: error
    description: Reads a key that is absent.
    assert: probes.startup.period == "1s"
    message: never
`,
    );
    const fs = only(check(dir).findings, 'policy/evaluation-error');
    expect(fs.map((f) => f.env).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(fs[0].message).toMatch(/team\/fragile could not be evaluated: No such key: startup/);
    expect(fs[0].location?.file).toBe(join(dir, 'policies/fragile.yaml'));
    expect(fs[0].location?.line).toBe(lineOf(join(dir, 'policies/fragile.yaml'), 'assert: probes.startup'));

    // A bare-number timeout in dev breaks dev's schema: dev's evaluation errors are not reported.
    edit(join(dir, 'config/envs/dev.yaml'), 'host: 127.0.0.1', 'host: 127.0.0.1\n  timeout: 30');
    const after = check(dir).findings;
    expect(only(after, 'schema/invalid').some((f) => f.env === 'dev')).toBe(true);
    expect(
      only(after, 'policy/evaluation-error')
        .map((f) => f.env)
        .sort(),
    ).toEqual(['prod', 'staging']);
  });

  it('bounds a pathological regex and a huge nested loop: check still finishes quickly', () => {
    const dir = project();
    const columns = Array.from({ length: 300 }, (_, i) => `    - { name: c${i} }`).join('\n');
    edit(join(dir, 'config/base.yaml'), / {2}columns:\n( {4}- .*\n)+/, `  columns:\n${columns}\n`);
    edit(join(dir, 'config/base.yaml'), 'owner: data-platform', `owner: "${'a'.repeat(20000)}!"`);
    writeFileSync(
      join(dir, 'policies/evil.yaml'),
      `apiVersion: exportctl/v1
kind: PolicyPack
name: evil
rules:
  - id: evil/regex
    severity: error
    description: Catastrophic backtracking in a backtracking engine.
    assert: "!metadata.owner.matches('^(a+)+$')"
    message: matched
  - id: evil/loops
    severity: error
    description: 300^3 iterations.
    assert: export.columns.all(a, export.columns.all(b, export.columns.all(c, a.name != "" || b.name != c.name)))
    message: looped
`,
    );
    const t0 = performance.now();
    const fs = check(dir).findings;
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(only(fs, 'evil/regex')).toEqual([]);
    const loops = only(fs, 'policy/evaluation-error').filter((f) => f.message.includes('evil/loops'));
    expect(loops.length).toBe(3);
    expect(loops[0].message).toMatch(/budget/);
  });
});

describe('rule controls', () => {
  it('waives the example dev finding until the waiver expires, then reports both', () => {
    // The example's waiver has no end date (the example must stay green for its readers):
    // a copy gets one, and the clock is injected on both sides of it.
    const dir = project();
    const manifest = join(dir, 'exportctl.yaml');
    edit(
      manifest,
      '    path: export.chunk_size\n    reason: load test of small chunks\n',
      '    path: export.chunk_size\n    reason: load test of small chunks\n    expires: 2027-03-01\n',
    );
    expect(checkProject({ cwd: EXAMPLE, now: new Date('9999-12-31T23:00:00Z') }).findings).toEqual([]);
    const before = checkProject({ cwd: dir, now: new Date('2027-03-01T23:00:00Z') });
    expect(before.findings).toEqual([]);
    const after = checkProject({ cwd: dir, now: new Date('2027-03-02T00:00:00Z') });
    expect(after.findings.map((f) => [f.rule, f.severity, f.env])).toEqual(
      expect.arrayContaining([
        ['export/chunk-size', 'error', 'dev'],
        ['waiver/expired', 'error', undefined],
      ]),
    );
    const expired = only(after.findings, 'waiver/expired')[0];
    expect(expired.location?.file).toBe(manifest);
    expect(expired.location?.line).toBe(lineOf(manifest, 'expires: 2027-03-01'));
  });

  it('turns a rule off, and the waiver it made useless is reported unused', () => {
    const dir = project();
    edit(join(dir, 'exportctl.yaml'), 'export/chunk-size: error', 'export/chunk-size: "off"');
    const fs = check(dir).findings;
    expect(only(fs, 'export/chunk-size')).toEqual([]);
    const [unused] = only(fs, 'waiver/unused');
    expect(unused.severity).toBe('warning');
    expect(unused.message).toMatch(
      /waiver of export\/chunk-size in dev at export.chunk_size matched no finding/,
    );
    expect(unused.location?.line).toBe(lineOf(join(dir, 'exportctl.yaml'), '- rule: export/chunk-size'));
  });

  it('changes a default severity, and can demote errors to warnings', () => {
    const dir = project();
    append(join(dir, 'config/envs/prod.yaml'), 'export:\n  chunk_size: 9000\n  queue: { capacity: 0 }\n');
    edit(
      join(dir, 'exportctl.yaml'),
      'export/chunk-size: error',
      'export/chunk-size: info\n    export/queue-capacity: warning',
    );
    const fs = check(dir).findings;
    expect(only(fs, 'export/chunk-size')[0].severity).toBe('info');
    expect(only(fs, 'export/queue-capacity')[0].severity).toBe('warning');
  });

  it('does not call a waiver unused when its environment was not checked', () => {
    const dir = project();
    edit(join(dir, 'exportctl.yaml'), 'export/chunk-size: error', 'export/chunk-size: "off"');
    expect(only(check(dir, { envs: ['prod'] }).findings, 'waiver/unused')).toEqual([]);
    expect(only(check(dir, { envs: ['dev'] }).findings, 'waiver/unused')).toHaveLength(1);
  });

  it('matches waivers by env and by path prefix or [*]', () => {
    const dir = project();
    const base = join(dir, 'config/base.yaml');
    edit(base, 'threshold: 300, for: 10m', 'threshold: 300, for: 30s');
    edit(base, 'threshold: 50, for: 5m', 'threshold: 50, for: 20s');
    append(
      join(dir, 'exportctl.yaml'),
      '  - rule: monitoring/alert-window\n    path: monitoring.alerts[*].for\n    env: dev\n    reason: dev flaps anyway\n',
    );
    const fs = only(check(dir).findings, 'monitoring/alert-window');
    expect(fs.map((f) => f.env).sort()).toEqual(['prod', 'prod', 'staging', 'staging']);
  });

  it('reports overrides and waivers of unknown rules with a suggestion', () => {
    const dir = project();
    edit(
      join(dir, 'exportctl.yaml'),
      'export/chunk-size: error',
      'export/chunk-size: error\n    export/chunk-sise: warning\n    schema/invalid: "off"',
    );
    append(join(dir, 'exportctl.yaml'), '  - rule: server/port-rang\n    reason: typo\n');
    const fs = check(dir).findings;
    const overrides = only(fs, 'policy/override-invalid').map((f) => f.message);
    expect(overrides).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no rule "export\/chunk-sise" exists.*did you mean "export\/chunk-size"/),
        expect.stringMatching(/schema\/invalid cannot be set to off/),
      ]),
    );
    expect(only(fs, 'waiver/unused').map((f) => f.message)).toEqual([
      expect.stringMatching(/no rule "server\/port-rang" exists \(did you mean "server\/port-range"\?\)/),
    ]);
  });

  it('applies to findings of every stage (schema findings can be waived)', () => {
    const dir = project();
    edit(join(dir, 'config/envs/dev.yaml'), 'host: 127.0.0.1', 'host: 127.0.0.1\n  timeout: 30');
    expect(only(check(dir).findings, 'schema/invalid').length).toBeGreaterThan(0);
    append(
      join(dir, 'exportctl.yaml'),
      '  - rule: schema/invalid\n    env: dev\n    path: server.timeout\n    reason: migrating\n',
    );
    expect(only(check(dir).findings, 'schema/invalid')).toEqual([]);
  });
});

describe('check on policy files', () => {
  it('compiles a pack given as a file outside any project, and a broken one is fatal', () => {
    const t = tempDir('exportctl-pack-');
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'pack.yaml');
    const pack = readFileSync(join(EXAMPLE, 'policies/team-rules.yaml'), 'utf8');
    writeFileSync(file, pack);
    expect(checkProject({ cwd: t.dir, paths: [file] })).toMatchObject({ findings: [], fatal: false });
    writeFileSync(file, pack.replace('assert: has(metadata.owner)', 'assert: has(metadata.ownr) && size(1)'));
    const r = checkProject({ cwd: t.dir, paths: [file] });
    expect(r.fatal).toBe(true);
    expect(r.findings.map((f) => [f.rule, f.location?.line])).toEqual([
      ['policy/invalid', lineOf(file, 'metadata.ownr')],
    ]);
  });

  it('runs no built-in rule with policies.builtin: false, but still knows their ids', () => {
    const dir = project();
    edit(join(dir, 'exportctl.yaml'), 'builtin: true', 'builtin: false');
    append(join(dir, 'config/envs/prod.yaml'), 'export:\n  chunk_size: 9000\n');
    const fs = check(dir).findings;
    expect(only(fs, 'export/chunk-size')).toEqual([]);
    expect(only(fs, 'policy/override-invalid')).toEqual([]);
  });
});
