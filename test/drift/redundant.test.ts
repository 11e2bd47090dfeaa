import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { byRule, manifest, runDrift, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-redundant-');
afterAll(() => tmp.cleanup());

describe('drift/redundant-override', () => {
  const dir = writeProject(tmp.dir, {
    'exportctl.yaml': manifest('', ['dev', 'prod']),
    'base.yaml': [
      'apiVersion: exportctl/v1',
      'kind: ExportConfig',
      'server: { port: 8080, timeout: 30s }',
      'notifications: { email: [ops@x.io] }',
      'monitoring:',
      '  alerts:',
      '    - { name: Slow, threshold: 300, for: 10m }',
      '',
    ].join('\n'),
    'envs/dev.yaml': [
      'apiVersion: exportctl/v1', // header keys restate nothing
      'server:',
      '  timeout: 30s', //                       3: same as the base
      '  port: 9090', //                         different: fine
      'notifications: { email: [ops@x.io] }', // 5: a list equal to the base's
      'monitoring:',
      '  alerts:',
      '    - { name: Slow, threshold: 300, for: 5m }', // 8: threshold restated, for changed
      '    - { name: New, threshold: 1 }', //            new item: fine
      'toggles: null', //                        10: deletes what the base never had
      '',
    ].join('\n'),
    'envs/prod.yaml': '',
  });
  const found = byRule(runDrift(dir).findings, 'drift/redundant-override');

  it('flags each restated value at its overlay line, as a warning of that environment', () => {
    expect(found.map((f) => [f.path, f.location?.line, f.location?.column])).toEqual([
      ['server.timeout', 3, 12],
      ['notifications.email', 5, 18], // a list: its key
      ['monitoring.alerts[0].threshold', 8, 32],
      ['toggles', 10, 1],
    ]);
    for (const f of found) {
      expect(f).toMatchObject({ severity: 'warning', env: 'dev' });
      expect(f.location?.file).toBe(join(dir, 'envs/dev.yaml'));
    }
    expect(found[0].message).toBe(
      'server.timeout: the overlay sets 30s, the same as the base (base.yaml:3); remove it so dev follows the base',
    );
    expect(found[2].message).toMatch(/^monitoring\.alerts\[name=Slow\]\.threshold: the overlay sets 300/);
    expect(found[3].message).toMatch(/deletes a key the base does not set/);
  });
});
