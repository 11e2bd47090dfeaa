import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDriftKeyForTest } from './keys-helper.js';
import { PatternError, parsePattern, patternCovers } from '../../src/drift/pattern.js';
import { tempDir } from '../helpers/cli.js';
import { byRule, manifest, runDrift, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-allow-');
afterAll(() => tmp.cleanup());
let n = 0;
const project = (files: Record<string, string>) => writeProject(join(tmp.dir, `p${n++}`), files);

const covers = (pattern: string, key: string) =>
  patternCovers(parsePattern(pattern), parseDriftKeyForTest(key));

describe('drift.allow paths and patterns', () => {
  it('a path covers its key and everything beneath it, nothing beside it', () => {
    expect(covers('server.host', 'server.host')).toBe(true);
    expect(covers('infrastructure.instance', 'infrastructure.instance.type')).toBe(true);
    expect(covers('server.host', 'server.hostname')).toBe(false);
    expect(covers('server.host', 'server')).toBe(false);
  });

  it('[*] and [name=…] select named items; * one segment; ** any depth', () => {
    expect(covers('monitoring.alerts[*].threshold', 'monitoring.alerts[name=Slow].threshold')).toBe(true);
    expect(covers('monitoring.alerts[*].threshold', 'monitoring.alerts[name=Slow].for')).toBe(false);
    expect(covers('monitoring.alerts[name=Slow]', 'monitoring.alerts[name=Slow].for')).toBe(true);
    expect(covers('monitoring.alerts[Slow]', 'monitoring.alerts[name=Slow].for')).toBe(true);
    expect(covers('monitoring.alerts[name=Slow]', 'monitoring.alerts[name=Backlog].for')).toBe(false);
    expect(covers('infrastructure.*.class', 'infrastructure.database.class')).toBe(true);
    expect(covers('infrastructure.*.class', 'infrastructure.database.engine')).toBe(false);
    expect(covers('infrastructure.**.count', 'infrastructure.instance.count')).toBe(true);
    expect(covers('**.timeout', 'probes.liveness.timeout')).toBe(true);
    expect(covers('**.timeout', 'probes.liveness.period')).toBe(false);
    expect(covers('infrastructure.tags["team.io/x"]', 'infrastructure.tags["team.io/x"]')).toBe(true);
    expect(covers('monitoring.alerts[name="a]b"]', 'monitoring.alerts[name="a]b"].for')).toBe(true);
  });

  it('refuses list positions and malformed paths with a reason', () => {
    expect(() => parsePattern('monitoring.alerts[0].threshold')).toThrow(/positions.*\[name=…\] or \[\*\]/);
    expect(() => parsePattern('server..host')).toThrow(PatternError);
    expect(() => parsePattern('server.host.')).toThrow(/ends with/);
    expect(() => parsePattern('alerts[*')).toThrow(/unclosed/);
    expect(() => parsePattern('')).toThrow(/empty/);
  });

  it('patterns in a project: [*] covers every alert, envs limits an entry, the reason reaches the report', () => {
    const dir = project({
      'exportctl.yaml': manifest(
        [
          'drift:',
          '  allow:',
          '    - path: monitoring.alerts[*].threshold',
          '      reason: quieter alerts outside prod',
          '    - path: infrastructure.instance.type',
          '      envs: [dev]',
          '      reason: small machine in dev',
          '',
        ].join('\n'),
      ),
      'base.yaml':
        'monitoring:\n  alerts:\n    - { name: A, threshold: 1 }\n    - { name: B, threshold: 2 }\ninfrastructure:\n  instance: { type: m6i.large }\n',
      'envs/dev.yaml':
        'monitoring:\n  alerts:\n    - { name: B, threshold: 20 }\n    - { name: A, threshold: 10 }\ninfrastructure:\n  instance: { type: t3.small }\n',
      'envs/staging.yaml': 'infrastructure:\n  instance: { type: t3.small }\n',
      'envs/prod.yaml': '',
    });
    const { drift, findings } = runDrift(dir);
    // staging's instance type is not covered: the entry names dev only.
    expect(findings.map((f) => [f.rule, f.env, f.path])).toEqual([
      ['drift/unexpected', 'staging', 'infrastructure.instance.type'],
    ]);
    const row = drift.comparison.rows.find((r) => r.key === 'monitoring.alerts[name=A].threshold')!;
    expect(row.verdict).toBe('allowed');
    expect(row.cells[0]).toMatchObject({ side: 'dev', status: 'allowed', allow: 0 });
  });
});

describe('drift/unused-allow', () => {
  const base = 'server:\n  host: 0.0.0.0\n  port: 8080\n';
  const setup = (allow: string) =>
    project({
      'exportctl.yaml': manifest(`drift:\n  allow:\n${allow}`),
      'base.yaml': base,
      'envs/dev.yaml': 'server:\n  host: 127.0.0.1\n',
      'envs/staging.yaml': '',
      'envs/prod.yaml': '',
    });

  it('an entry that covers a difference is used; one that covers nothing is reported at its line', () => {
    const dir = setup(
      '    - path: server.host\n      reason: loopback\n    - path: server.port\n      reason: never differs\n',
    );
    const { findings } = runDrift(dir);
    const unused = byRule(findings, 'drift/unused-allow');
    expect(unused).toHaveLength(1);
    expect(unused[0]).toMatchObject({
      severity: 'warning',
      path: 'drift.allow[1].path',
      location: { file: join(dir, 'exportctl.yaml'), line: 14, column: 13 },
    });
    expect(unused[0].env).toBeUndefined();
    expect(unused[0].message).toMatch(
      /"server\.port" covers no difference: every environment agrees with prod/,
    );
    expect(byRule(findings, 'drift/unexpected')).toEqual([]);
  });

  it('suggests the key meant by a typo', () => {
    const { findings } = runDrift(setup('    - path: server.hots\n'));
    expect(byRule(findings, 'drift/unused-allow')[0].message).toMatch(
      /no environment has this key \(did you mean "server\.host"\?\)/,
    );
    // and the difference it meant to allow is still drift
    expect(byRule(findings, 'drift/unexpected')).toHaveLength(1);
  });

  it('explains an entry limited to the reference or to an unknown environment', () => {
    const ref = runDrift(setup('    - path: server.host\n      envs: [prod]\n')).findings;
    expect(byRule(ref, 'drift/unused-allow')[0].message).toMatch(/prod is the reference/);
    const typo = runDrift(setup('    - path: server.host\n      envs: [dve]\n')).findings;
    expect(byRule(typo, 'drift/unused-allow')[0].message).toMatch(
      /unknown environment "dve" \(did you mean "dev"\?\)/,
    );
  });

  it('an entry for a difference normalization already removes is unused', () => {
    const dir = project({
      'exportctl.yaml': manifest('drift:\n  allow:\n    - path: infrastructure.storage.bucket\n'),
      'base.yaml': 'infrastructure:\n  storage: { bucket: b }\n',
      'envs/dev.yaml': 'infrastructure:\n  storage: { bucket: orders-dev }\n',
      'envs/staging.yaml': 'infrastructure:\n  storage: { bucket: orders-staging }\n',
      'envs/prod.yaml': 'infrastructure:\n  storage: { bucket: orders-prod }\n',
    });
    expect(byRule(runDrift(dir).findings, 'drift/unused-allow')).toHaveLength(1);
  });

  it('an empty envs list covers every environment, as in rule scopes', () => {
    const { findings } = runDrift(setup('    - path: server.host\n      envs: []\n'));
    expect(findings).toEqual([]);
  });

  it('usage counts every environment, even when only some are checked', () => {
    const dir = setup('    - path: server.host\n      envs: [dev]\n');
    expect(byRule(runDrift(dir, ['staging']).findings, 'drift/unused-allow')).toEqual([]);
  });

  it('a list position in an entry is a schema error at the entry, not a silent no-op', () => {
    const { findings } = runDrift(
      setup('    - path: server.host\n    - path: monitoring.alerts[0].threshold\n'),
    );
    const bad = findings.filter((f) => f.rule === 'schema/invalid');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ path: 'drift.allow[1].path', location: { line: 13, column: 13 } });
  });
});
