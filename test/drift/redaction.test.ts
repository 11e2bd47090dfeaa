import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { manifest, runDrift, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-secrets-');
afterAll(() => tmp.cleanup());

const SECRETS = ['hunter2', 's3cret-dev', 's3cret-prod', 'tok-dev-111', 'tok-prod-222', 'pw-base-333'];

const dir = writeProject(join(tmp.dir, 'p'), {
  'exportctl.yaml': manifest('', ['dev', 'prod']),
  'base.yaml': [
    'database:',
    '  url: postgres://exporter:hunter2@db.internal:5432/orders',
    'notifications:',
    '  webhook: { url: "https://hooks.x.io/a", token: tok-base-000, password: pw-base-333 }',
    '',
  ].join('\n'),
  'envs/dev.yaml':
    'database:\n  url: postgres://exporter:s3cret-dev@db-a.internal:5432/orders\nnotifications:\n  webhook: { token: tok-dev-111 }\n',
  'envs/prod.yaml':
    'database:\n  url: postgres://exporter:s3cret-prod@db-b.internal:5432/orders\nnotifications:\n  webhook: { token: tok-prod-222, password: pw-base-333 }\n',
});

describe('secrets are redacted in every drift output', () => {
  it('findings name the difference without the secret', () => {
    const { drift, findings } = runDrift(dir);
    // webhook.token and .password are keys the schema rejects: `check` leaves them to the schema
    // finding, but the comparison (what the drift table shows) still holds them, redacted.
    const compared = drift.findings;
    expect(findings.filter((f) => f.path?.startsWith('notifications.webhook.'))).toEqual([]);
    const text = JSON.stringify([...findings, ...compared]);
    for (const s of SECRETS) expect(text).not.toContain(s);
    const url = findings.find((f) => f.path === 'database.url')!;
    expect(url.message).toContain('postgres://exporter:****@db-a.internal:5432/orders in dev');
    const token = compared.find((f) => f.path === 'notifications.webhook.token')!;
    expect(token.message).toMatch(/differs between dev and prod .*a secret: values not shown/);
    const restated = compared.find((f) => f.path === 'notifications.webhook.password')!;
    expect(restated).toMatchObject({ rule: 'drift/redundant-override', env: 'prod' });
    expect(restated.message).toContain('<redacted>');
  });

  for (const format of ['text', 'json', 'markdown', 'html']) {
    it(`--format ${format}`, () => {
      const r = runCli(['drift', '--format', format, '--all'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBeGreaterThan(200);
      for (const s of SECRETS) expect(r.stdout).not.toContain(s);
      expect(r.stdout).toMatch(/exporter:\*\*\*\*@db-a\.internal/);
      expect(r.stdout).toMatch(/&lt;redacted&gt;|<redacted>/);
    });
  }
});
