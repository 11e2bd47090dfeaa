import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { byRule, manifest, runDrift, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-');
afterAll(() => tmp.cleanup());
let n = 0;
const project = (files: Record<string, string>) => writeProject(join(tmp.dir, `p${n++}`), files);

describe('named lists are matched by name, never by position', () => {
  const alerts = (order: string[], changes: Record<string, string> = {}) =>
    `monitoring:\n  alerts:\n${order.map((name) => `    - { name: ${name}, threshold: ${changes[name] ?? '50'}, for: 5m }`).join('\n')}\n`;

  it('the same items in another order are no drift', () => {
    const dir = project({
      'exportctl.yaml': manifest(),
      'base.yaml': 'server: { port: 8080 }\n',
      'envs/dev.yaml': alerts(['Slow', 'Backlog', 'Errors']),
      'envs/staging.yaml': alerts(['Errors', 'Slow', 'Backlog']),
      'envs/prod.yaml': alerts(['Backlog', 'Errors', 'Slow']),
    });
    const { drift, findings } = runDrift(dir);
    expect(findings).toEqual([]);
    const keys = drift.comparison.rows.map((r) => r.key);
    expect(keys).toContain('monitoring.alerts[name=Slow].threshold');
    expect(keys.some((k) => /\[\d+\]/.test(k))).toBe(false);
  });

  it('a changed item is drift at its name, pointing at that item in the overlay', () => {
    const dir = project({
      'exportctl.yaml': manifest(),
      'base.yaml': 'server: { port: 8080 }\n',
      'envs/dev.yaml': alerts(['Slow', 'Backlog'], { Backlog: '500' }),
      'envs/staging.yaml': alerts(['Backlog', 'Slow']),
      'envs/prod.yaml': alerts(['Backlog', 'Slow']),
    });
    const { findings } = runDrift(dir);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'drift/unexpected',
      severity: 'error',
      env: 'dev',
      // The config path in dev's own list (Backlog is dev's second item).
      path: 'monitoring.alerts[1].threshold',
      location: { file: join(dir, 'envs/dev.yaml'), line: 4, column: 35 },
    });
    expect(findings[0].message).toMatch(
      /monitoring\.alerts\[name=Backlog\]\.threshold is 500 in dev but 50 in prod/,
    );
  });

  it('an item only some environments have is drift/missing at the item', () => {
    const dir = project({
      'exportctl.yaml': manifest(),
      'base.yaml': alerts(['Backlog']),
      'envs/dev.yaml': '',
      'envs/staging.yaml': '',
      'envs/prod.yaml': 'monitoring:\n  alerts:\n    - { name: Slow, threshold: 300, for: 10m }\n',
    });
    const { findings } = runDrift(dir);
    const missing = byRule(findings, 'drift/missing');
    // One finding per environment, at the item, not one per field of the item.
    expect(missing.map((f) => f.env).sort()).toEqual(['dev', 'staging']);
    expect(missing[0].message).toMatch(/^monitoring\.alerts\[name=Slow\] is set in prod/);
    expect(missing[0].path).toBe('monitoring.alerts[1]');
    // dev's overlay is silent and the base lacks it: the line that adds it in prod.
    expect(missing[0].location).toMatchObject({ file: join(dir, 'envs/prod.yaml'), line: 3 });
  });

  it('lists of unnamed items are compared whole', () => {
    const dir = project({
      'exportctl.yaml': manifest(),
      'base.yaml': 'notifications:\n  email: [a@x.io, b@x.io]\n',
      'envs/dev.yaml': 'notifications:\n  email: [b@x.io, a@x.io]\n',
      'envs/staging.yaml': '',
      'envs/prod.yaml': '',
    });
    const { findings } = runDrift(dir);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'drift/unexpected', env: 'dev', path: 'notifications.email' });
  });
});

describe("values that differ only by the environment's own name", () => {
  it('are normalized and not drift', () => {
    const dir = project({
      'exportctl.yaml': manifest(),
      'base.yaml': 'infrastructure:\n  storage: { bucket: orders-exports }\n',
      'envs/dev.yaml':
        'infrastructure:\n  storage: { bucket: orders-dev }\n  tags: { Environment: DEV, Host: dev.internal }\n',
      'envs/staging.yaml':
        'infrastructure:\n  storage: { bucket: orders-staging }\n  tags: { Environment: staging, Host: staging.internal }\n',
      'envs/prod.yaml':
        'infrastructure:\n  storage: { bucket: orders-prod }\n  tags: { Environment: prod, Host: prod.internal }\n',
    });
    const { drift, findings } = runDrift(dir);
    expect(findings).toEqual([]);
    const row = drift.comparison.rows.find((r) => r.key === 'infrastructure.storage.bucket')!;
    expect(row.verdict).toBe('normalized');
    expect(row.cells.map((c) => c.status)).toEqual(['normalized', 'normalized', 'reference']);
  });

  it('but another environment’s name is drift (dev pointing at staging’s bucket), and tokens inside words are kept', () => {
    const dir = project({
      'exportctl.yaml': manifest(),
      'base.yaml': 'infrastructure:\n  storage: { bucket: orders-exports }\n',
      'envs/dev.yaml': 'infrastructure:\n  storage: { bucket: orders-staging }\n  tags: { Kind: device }\n',
      'envs/staging.yaml':
        'infrastructure:\n  storage: { bucket: orders-staging }\n  tags: { Kind: device }\n',
      'envs/prod.yaml': 'infrastructure:\n  storage: { bucket: orders-prod }\n  tags: { Kind: proice }\n',
    });
    const { findings } = runDrift(dir);
    const bucket = findings.filter((f) => f.path === 'infrastructure.storage.bucket');
    expect(bucket.map((f) => f.env)).toEqual(['dev']);
    // "device" is not "dev" + "ice": staging and dev both differ from prod's "proice".
    expect(
      findings
        .filter((f) => f.path === 'infrastructure.tags.Kind')
        .map((f) => f.env)
        .sort(),
    ).toEqual(['dev', 'staging']);
  });
});
