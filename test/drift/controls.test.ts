import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import { builtinRules } from '../../src/policy/builtin.js';
import { DRIFT_RULES } from '../../src/drift/rules.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { manifest, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-controls-');
afterAll(() => tmp.cleanup());

const files = (extra: string) => ({
  'exportctl.yaml': manifest(extra, ['dev', 'prod']),
  'base.yaml': 'server: { port: 8080, timeout: 30s }\n',
  'envs/dev.yaml': 'server: { timeout: 10s }\n',
  'envs/prod.yaml': 'server: { port: 8080 }\n',
});
const driftFindings = (dir: string) =>
  checkProject({ cwd: dir, paths: [dir], now: new Date('2026-01-01') }).findings.filter((f) =>
    f.rule.startsWith('drift/'),
  );

describe('drift rules in the rule registry', () => {
  it('are registered with their metadata, so explain and docs know them', () => {
    const registry = builtinRules().registry;
    for (const r of DRIFT_RULES) expect(registry.get(r.id)).toMatchObject({ id: r.id, engine: 'stage' });
    expect(DRIFT_RULES.map((r) => [r.id, r.severity])).toEqual([
      ['drift/unexpected', 'error'],
      ['drift/missing', 'error'],
      ['drift/redundant-override', 'warning'],
      ['drift/unused-allow', 'warning'],
    ]);
    const r = runCli(['explain', 'drift/unexpected']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^drift\/unexpected {2}\(default severity: error/);
    expect(r.stdout).toContain('Fails on:');
  });

  it('follow the manifest: severity overrides, off, and waivers', () => {
    const plain = driftFindings(writeProject(join(tmp.dir, 'a'), files('')));
    expect(plain.map((f) => [f.rule, f.severity])).toEqual([
      ['drift/unexpected', 'error'],
      ['drift/redundant-override', 'warning'],
    ]);
    const controlled = driftFindings(
      writeProject(
        join(tmp.dir, 'b'),
        files(
          [
            'policies:',
            '  rules:',
            '    drift/unexpected: warning',
            '    drift/redundant-override: "off"',
            '',
          ].join('\n'),
        ),
      ),
    );
    expect(controlled.map((f) => [f.rule, f.severity])).toEqual([['drift/unexpected', 'warning']]);
    const waived = driftFindings(
      writeProject(
        join(tmp.dir, 'c'),
        files(
          'waivers:\n  - rule: drift/unexpected\n    env: dev\n    path: server.timeout\n    reason: trying a shorter timeout\n',
        ),
      ),
    );
    expect(waived.map((f) => f.rule)).toEqual(['drift/redundant-override']);
  });
});
