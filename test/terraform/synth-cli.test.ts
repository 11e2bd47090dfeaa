import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN, CLI, EXAMPLE, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-synth-');
afterAll(() => tmp.cleanup());

function copyExample(name: string): string {
  const dir = join(tmp.dir, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out.set(p.slice(dir.length), readFileSync(p, 'utf8'));
    }
  }
  return out;
}

describe('exportctl synth', () => {
  it('is deterministic: the same config gives the same bytes', () => {
    const a = join(tmp.dir, 'a');
    const b = join(tmp.dir, 'b');
    expect(runCli(['synth', '--out', a], { cwd: EXAMPLE }).code).toBe(0);
    expect(runCli(['synth', '--out', b], { cwd: EXAMPLE }).code).toBe(0);
    const ta = readTree(a);
    expect([...ta.keys()].sort()).toEqual([
      '/manifest.json',
      '/stacks/orders-export-dev/cdk.tf.json',
      '/stacks/orders-export-dev/prometheus/rules.test.yml',
      '/stacks/orders-export-dev/prometheus/rules.yml',
      '/stacks/orders-export-prod/cdk.tf.json',
      '/stacks/orders-export-prod/prometheus/rules.test.yml',
      '/stacks/orders-export-prod/prometheus/rules.yml',
      '/stacks/orders-export-staging/cdk.tf.json',
      '/stacks/orders-export-staging/prometheus/rules.test.yml',
      '/stacks/orders-export-staging/prometheus/rules.yml',
    ]);
    expect(readTree(b)).toEqual(ta);
  });

  it('writes the documented resources (docs/reference.md#terraform) with env-suffixed unique names and no secret', () => {
    const dir = copyExample('secrets');
    // A literal password in the config must never reach Terraform, even with the rule that
    // flags it turned off.
    const manifest = join(dir, 'exportctl.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        '    export/chunk-size: error',
        // database/url off too: the example's driver stays sqlite, and synth needs no source.
        '    export/chunk-size: error\n    security/plaintext-secret: "off"\n    database/url: "off"',
      ),
    );
    const base = join(dir, 'config/base.yaml');
    writeFileSync(
      base,
      readFileSync(base, 'utf8').replace(
        'url: ${DATABASE_URL:-sqlite:data/orders.db}',
        'url: postgres://exporter:hunter2-secret@db.internal/orders',
      ),
    );
    // The stack ships the config to the instances: synth refuses a literal secret in it
    // (terraform/unsupported at the value's path) and prints nothing of it.
    const refused = runCli(['synth', '--env', 'prod'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/terraform\/unsupported/);
    expect(refused.stdout + refused.stderr).toMatch(/literal secret/);
    expect(refused.stdout + refused.stderr).not.toContain('hunter2');
    expect(existsSync(join(dir, 'cdktf.out/stacks/orders-export-prod'))).toBe(false);

    const clean = copyExample('no-secrets');
    const out = join(clean, 'cdktf.out');
    const r = runCli(['synth', '--env', 'prod'], { cwd: clean });
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'stacks/orders-export-dev'))).toBe(false);
    const text = readFileSync(join(out, 'stacks/orders-export-prod/cdk.tf.json'), 'utf8');
    // Variable names reach the stack (they name Secrets Manager secrets); values never do.
    for (const leak of ['hunter2', 'db.internal']) {
      expect(text).not.toContain(leak);
    }
    expect(text).not.toMatch(/"(master_)?password"/);
    const tf = JSON.parse(text);
    expect(tf.resource.aws_db_instance.postgres).toMatchObject({
      identifier: 'orders-export-prod',
      manage_master_user_password: true,
      parameter_group_name: '${aws_db_parameter_group.postgres.name}',
    });
    expect(tf.resource.aws_db_parameter_group.postgres.parameter).toEqual([
      { apply_method: 'pending-reboot', name: 'max_connections', value: '200' },
    ]);
    expect(tf.resource.aws_s3_bucket.exports.bucket).toBe('orders-exports-prod');
    expect(tf.resource.aws_security_group.exporter.name).toBe('orders-export-prod');
    expect(tf.resource.aws_sns_topic.alerts.name).toBe('orders-export-prod');
    expect(tf.resource.aws_launch_template.app).toMatchObject({
      instance_type: 'm6i.large',
      tag_specifications: [
        { tags: { Environment: 'prod', Project: 'orders-export', Role: 'exporter', Team: 'data-platform' } },
      ],
    });
    expect(tf.resource.aws_autoscaling_group.app).toMatchObject({ min_size: 2, desired_capacity: 2 });
    expect(
      tf.resource.aws_security_group.exporter.ingress.map((i: { from_port: number }) => i.from_port),
    ).toEqual([8080, 9464]);
    expect(tf.resource.aws_s3_bucket_lifecycle_configuration.exports.rule[0].expiration).toEqual([
      { days: 30 },
    ]);
    expect(Object.keys(tf.resource.aws_cloudwatch_metric_alarm)).toEqual([
      'alert_ExportQueueBacklog',
      'alert_ExportSlow',
    ]);
    expect(tf.resource.aws_cloudwatch_metric_alarm.alert_ExportSlow).toMatchObject({
      extended_statistic: 'p99',
      evaluation_periods: 10,
      comparison_operator: 'GreaterThanThreshold',
    });
  });

  it('emits the S3 backend when configured, with the environment in the key', () => {
    const dir = copyExample('backend');
    const base = join(dir, 'config/base.yaml');
    writeFileSync(
      base,
      readFileSync(base, 'utf8').replace(
        '  tags: { Team: data-platform }',
        '  backend: { s3: { bucket: tf-state, key_prefix: orders-export, region: eu-west-1 } }\n  tags: { Team: data-platform }',
      ),
    );
    expect(runCli(['synth', '--env', 'staging'], { cwd: dir }).code).toBe(0);
    const tf = JSON.parse(
      readFileSync(join(dir, 'cdktf.out/stacks/orders-export-staging/cdk.tf.json'), 'utf8'),
    );
    expect(tf.terraform.backend.s3).toEqual({
      bucket: 'tf-state',
      key: 'orders-export/staging.tfstate',
      region: 'eu-west-1',
      encrypt: true,
    });
  });

  it('refuses while check has errors (exit 1, findings shown, nothing written)', () => {
    const out = join(tmp.dir, 'broken-out');
    const r = runCli(['synth', '--out', out], { cwd: BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error/);
    expect(r.stderr).toContain('synth refused: check has errors');
    expect(existsSync(out)).toBe(false);
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
  });

  it('terraform/identical-environments fires on an overlay that changes a non-allowed attribute', () => {
    const dir = copyExample('identical');
    const dev = join(dir, 'config/envs/dev.yaml');
    writeFileSync(dev, `${readFileSync(dev, 'utf8')}  storage: { retention_days: 1 }\n`);
    // `check` reports the same difference as drift/unexpected and synth refuses on it; with
    // config drift turned off, the synthesized stacks are still compared.
    expect(runCli(['synth'], { cwd: dir }).stdout).toMatch(/drift\/unexpected/);
    const manifest = join(dir, 'exportctl.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        '    export/chunk-size: error',
        '    export/chunk-size: error\n    drift/unexpected: "off"',
      ),
    );
    const r = runCli(['synth', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout).results as Array<Record<string, unknown>>;
    const f = results.filter((x) => x.rule === 'terraform/identical-environments');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      env: 'dev',
      path: 'infrastructure.storage.retention_days',
      file: 'config/envs/dev.yaml',
      severity: 'error',
    });
    expect(f[0].message).toMatch(
      /aws_s3_bucket_lifecycle_configuration\.exports\.rule\[0\]\.expiration\[0\]\.days is 1 in dev but 30 in prod/,
    );
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);

    // Allowed in drift.allow: the same difference is fine.
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        /drift:\n {2}allow:[^\n]*\n/,
        'drift:\n  allow:\n    - path: infrastructure.storage.retention_days\n      envs: [dev]\n      reason: dev keeps exports a day\n',
      ),
    );
    expect(runCli(['synth'], { cwd: dir }).code).toBe(0);
  });

  it('drift.allow with envs: [] covers every environment in synth, as in check and drift', () => {
    const dir = copyExample('empty-envs');
    const dev = join(dir, 'config/envs/dev.yaml');
    writeFileSync(dev, `${readFileSync(dev, 'utf8')}  storage: { retention_days: 1 }\n`);
    const manifest = join(dir, 'exportctl.yaml');
    const allow = (envs: string) =>
      writeFileSync(
        manifest,
        readFileSync(manifest, 'utf8').replace(
          /drift:\n {2}allow:[^\n]*\n(?: {4}- path: infrastructure\.storage\.retention_days\n {6}envs: [^\n]*\n {6}reason: [^\n]*\n)?/,
          `drift:\n  allow:\n    - path: infrastructure.storage.retention_days\n      envs: ${envs}\n      reason: dev keeps exports a day\n`,
        ),
      );
    // The probe: an entry for another environment leaves dev's difference to check and synth.
    allow('[staging]');
    expect(runCli(['check', '--env', 'dev', '--format', 'json'], { cwd: dir }).stdout).toContain(
      'drift/unexpected',
    );
    // An empty list is "every environment" for check and drift...
    allow('[]');
    const check = runCli(['check', '--env', 'dev', '--format', 'json'], { cwd: dir });
    expect(check.stdout).not.toContain('drift/unexpected');
    expect(check.code, check.stdout).toBe(0);
    const drift = runCli(['drift', '--env', 'dev', '--format', 'json'], { cwd: dir });
    expect(drift.code, drift.stdout).toBe(0);
    // ...and for synth's terraform/identical-environments: dev's stack may differ there.
    const out = join(tmp.dir, 'empty-envs-out');
    const synth = runCli(['synth', '--out', out, '--format', 'json'], { cwd: dir });
    expect(synth.stdout).not.toContain('terraform/identical-environments');
    expect(synth.code, synth.stdout + synth.stderr).toBe(0);
    const devStack = JSON.parse(readFileSync(join(out, 'stacks/orders-export-dev/cdk.tf.json'), 'utf8'));
    expect(JSON.stringify(devStack)).toMatch(/"days":\s*1\b/);
  });

  it('reports what Terraform cannot express as terraform/unsupported', () => {
    const dir = copyExample('unsupported');
    const base = join(dir, 'config/base.yaml');
    writeFileSync(
      base,
      readFileSync(base, 'utf8').replace('op: ">", threshold: 50', 'op: "==", threshold: 50'),
    );
    const r = runCli(['synth', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout).results as Array<Record<string, unknown>>).filter(
      (x) => x.rule === 'terraform/unsupported',
    );
    expect(f[0]).toMatchObject({ path: 'monitoring.alerts[0].op', file: 'config/base.yaml' });
  });

  it('check never loads cdktf (synth does)', () => {
    const hook = join(import.meta.dirname, 'fixtures/record-modules.cjs');
    const loaded = (cmd: string[]) => {
      const record = join(tmp.dir, `modules-${cmd[0]}.json`);
      const r = spawnSync(process.execPath, ['-r', hook, CLI, ...cmd], {
        cwd: EXAMPLE,
        encoding: 'utf8',
        env: { ...process.env, RECORD_MODULES: record },
      });
      expect(r.status).toBe(0);
      return JSON.parse(readFileSync(record, 'utf8')) as string[];
    };
    const heavy = (mods: string[]) =>
      mods.filter((m) => /node_modules[\\/](cdktf|@cdktf|constructs)[\\/]/.test(m));
    expect(heavy(loaded(['check']))).toEqual([]);
    // The probe works: synth does load them.
    expect(heavy(loaded(['synth', '--out', join(tmp.dir, 'probe')])).length).toBeGreaterThan(0);
  });
});
