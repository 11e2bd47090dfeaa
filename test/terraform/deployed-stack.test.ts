/**
 * What the stacks deploy onto the instances: the rendered user data against Debian's
 * cloud-init schema, the systemd units against systemd-analyze, the instance role's policy,
 * the rollout settings, the CloudWatch agent config against the documented shape, and that
 * no secret value reaches anything synth writes.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wildcardGrants, type PolicyStatement } from '../../src/terraform/stack/iam.js';
import { synthProject } from '../../src/synth/synth-project.js';
import type { SynthesizedStack } from '../../src/terraform/synth.js';
import { EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-deploy-');
afterAll(() => tmp.cleanup());

let stacks: SynthesizedStack[] = [];
beforeAll(async () => {
  stacks = (await synthProject({ cwd: EXAMPLE })).stacks;
}, 120_000);

type Tf = { resource: Record<string, Record<string, Record<string, unknown>>> };
const res = (s: SynthesizedStack, type: string, name: string) => (s.json as Tf).resource[type][name];
const userData = (s: SynthesizedStack) =>
  Buffer.from(String(res(s, 'aws_launch_template', 'app').user_data), 'base64').toString('utf8');
const writeFiles = (s: SynthesizedStack) =>
  (parse(userData(s)) as { write_files: Array<{ path: string; content: string }> }).write_files;

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`${cmd} is needed by this test: ${r.error.message}`);
  return r;
}

describe('the deployed stack of every environment', () => {
  it('synthesizes all three environments', () => {
    expect(stacks.map((s) => s.env)).toEqual(['dev', 'staging', 'prod']);
  });

  it('renders user data that cloud-init schema accepts', () => {
    for (const s of stacks) {
      const file = join(tmp.dir, `user-data-${s.env}.yaml`);
      writeFileSync(file, userData(s));
      expect(userData(s).startsWith('#cloud-config\n')).toBe(true);
      const r = run('cloud-init', ['schema', '--config-file', file]);
      expect(r.stdout + r.stderr).toContain('Valid cloud-config');
      expect(r.status).toBe(0);
    }
  }, 120_000);

  it('writes systemd units that systemd-analyze verify accepts, running serve for the environment', () => {
    for (const s of stacks) {
      const dir = join(tmp.dir, `units-${s.env}`);
      mkdirSync(dir, { recursive: true });
      const units = writeFiles(s).filter((f) => f.path.startsWith('/etc/systemd/system/'));
      expect(units.map((u) => u.path.split('/').pop()).sort()).toEqual([
        'exportctl-liveness.service',
        'exportctl-liveness.timer',
        'exportctl.service',
      ]);
      const service = units.find((u) => u.path.endsWith('/exportctl.service'))!.content;
      expect(service).toContain(`ExecStart=/opt/exportctl/bin/exportctl serve --env ${s.env}\n`);
      expect(service).toContain('Restart=on-failure\n');
      expect(service).toContain('EnvironmentFile=-/run/exportctl/secrets.env\n');
      const timer = units.find((u) => u.path.endsWith('.timer'))!.content;
      expect(timer).toContain('OnUnitActiveSec=10s'); // probes.liveness.period
      // A copy whose executables exist on this machine (they are installed at boot).
      const files: string[] = [];
      for (const u of units) {
        const file = join(dir, u.path.split('/').pop()!);
        writeFileSync(file, u.content.replace(/(Exec\w+=\+?)\/(opt|usr\/local)\/\S+/g, '$1/bin/true'));
        files.push(file);
      }
      const r = run('systemd-analyze', ['verify', ...files]);
      expect(r.stderr.replace(/.*Special user nobody.*\n?/g, '')).toBe('');
      expect(r.status).toBe(0);
    }
  }, 120_000);

  it('fetch-secrets writes a root-only env file from the secrets, and a failed fetch stops the start', () => {
    // No AWS here: a stand-in `aws` on PATH answers the two calls the script makes, the way
    // the AWS CLI prints them (--output text).
    const s = stacks.find((x) => x.env === 'prod')!;
    const dir = join(tmp.dir, 'fetch-secrets');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const rebase = (t: string) =>
      t
        .replaceAll('/etc/exportctl/deploy.env', join(dir, 'deploy.env'))
        .replaceAll('/run/exportctl', join(dir, 'run'));
    writeFileSync(
      join(dir, 'deploy.env'),
      writeFiles(s).find((f) => f.path === '/etc/exportctl/deploy.env')!.content,
    );
    const script = join(dir, 'fetch-secrets');
    writeFileSync(script, rebase(writeFiles(s).find((f) => f.path.endsWith('/fetch-secrets'))!.content), {
      mode: 0o700,
    });
    writeFileSync(
      join(dir, 'bin/aws'),
      `#!/bin/bash
case "$*" in
  *describe-db-instances*"--db-instance-identifier orders-export-prod"*) printf 'arn:db-secret\\tdb.host.internal\\t5432\\n' ;;
  *"--secret-id arn:db-secret"*) printf '%s\\n' '{"username":"exportctl","password":"p@ss/w:rd"}' ;;
  *"--secret-id orders-export-prod/EXPORTCTL_TOKENS"*) echo 'alice:tok-1,bob:tok-2' ;;
  *"--secret-id orders-export-prod/EXPORTCTL_ADMIN_TOKENS"*) [ -n "$FAIL_ADMIN" ] && exit 254; echo 'ops:tok-3' ;;
  *"--secret-id orders-export-prod/EXPORT_WEBHOOK_URL"*) [ -n "$MULTILINE" ] && printf 'a\\nLD_PRELOAD=/tmp/x.so\\n'; echo 'https://hooks.example/x?a="q"&b=$HOME\`id\`' ;;
  *) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`,
      { mode: 0o755 },
    );
    const env = { PATH: `${join(dir, 'bin')}:${process.env.PATH}` };
    const ok = spawnSync('bash', [script], { encoding: 'utf8', env });
    expect(ok.status, ok.stderr).toBe(0);
    const file = join(dir, 'run/secrets.env');
    expect(readFileSync(file, 'utf8').split('\n').sort()).toEqual(
      [
        '',
        'DATABASE_URL="postgres://exportctl:p%40ss%2Fw%3Ard@db.host.internal:5432/postgres?sslmode=require"',
        'EXPORTCTL_ADMIN_TOKENS="ops:tok-3"',
        'EXPORTCTL_TOKENS="alice:tok-1,bob:tok-2"',
        // systemd's EnvironmentFile quoting: \\ " $ ` escaped inside double quotes.
        'EXPORT_WEBHOOK_URL="https://hooks.example/x?a=\\"q\\"&b=\\$HOME\\`id\\`"',
      ].sort(),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A value with a line break would start another variable (LD_PRELOAD=…): the start stops.
    rmSync(file);
    const multi = spawnSync('bash', [script], { encoding: 'utf8', env: { ...env, MULTILINE: '1' } });
    expect(multi.status).not.toBe(0);
    expect(multi.stderr).toContain('EXPORT_WEBHOOK_URL holds a line break');
    expect(existsSync(file)).toBe(false);

    const failed = spawnSync('bash', [script], { encoding: 'utf8', env: { ...env, FAIL_ADMIN: '1' } });
    expect(failed.status).not.toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(join(dir, 'run'))).toEqual([]); // no half-written temporary left
  });

  it('gives the instance role no wildcard action and no unconditioned * resource', () => {
    for (const s of stacks) {
      const policy = JSON.parse(String(res(s, 'aws_iam_role_policy', 'instance').policy)) as {
        Statement: PolicyStatement[];
      };
      expect(wildcardGrants(policy.Statement)).toEqual([]);
      const actions = policy.Statement.flatMap((st) => st.Action).sort();
      expect(actions).toEqual([
        'cloudwatch:PutMetricData',
        'logs:CreateLogStream',
        'logs:DescribeLogStreams',
        'logs:PutLogEvents',
        'rds:DescribeDBInstances',
        's3:GetObject',
        's3:GetObjectVersion',
        'secretsmanager:GetSecretValue',
      ]);
      const byId = Object.fromEntries(policy.Statement.map((st) => [st.Sid, st]));
      expect(byId.ReadDeployArtifacts.Resource).toEqual(['${aws_s3_bucket.exports.arn}/deploy/*']);
      expect(byId.ReadServiceSecrets.Resource).toContain(
        '${aws_db_instance.postgres.master_user_secret[0].secret_arn}',
      );
      expect(byId.PublishMetricsToOwnNamespace.Condition).toEqual({
        StringEquals: { 'cloudwatch:namespace': 'exportctl' },
      });
    }
    // The check itself catches what it is for.
    expect(
      wildcardGrants([
        { Sid: 'A', Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::b/*'] },
        { Sid: 'B', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] },
        { Sid: 'C', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: ['*'] },
      ]),
    ).toHaveLength(3);
  });

  it('maps probes.readiness onto the target group and rolls out with auto rollback on the alarms', () => {
    for (const s of stacks) {
      expect(res(s, 'aws_lb_target_group', 'app').health_check).toMatchObject({
        path: '/readyz',
        interval: 5,
        timeout: 2,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
        matcher: '200',
      });
      const asg = res(s, 'aws_autoscaling_group', 'app');
      expect(asg).toMatchObject({
        health_check_type: 'ELB',
        target_group_arns: ['${aws_lb_target_group.app.arn}'],
        launch_template: { version: '${aws_launch_template.app.latest_version}' },
        instance_refresh: {
          strategy: 'Rolling',
          preferences: {
            auto_rollback: true,
            min_healthy_percentage: 100,
            alarm_specification: {
              alarms: [
                '${aws_cloudwatch_metric_alarm.alert_ExportQueueBacklog.alarm_name}',
                '${aws_cloudwatch_metric_alarm.alert_ExportSlow.alarm_name}',
              ],
            },
          },
        },
      });
      // What a launch template version runs is pinned by the artifacts' version ids.
      const tags = (res(s, 'aws_launch_template', 'app').tag_specifications as Array<{ tags: object }>)[0]
        .tags;
      expect(tags).toMatchObject({
        ExportctlPackageVersion: '${aws_s3_object.package.version_id}',
        ExportctlProjectVersion: '${aws_s3_object.project.version_id}',
      });
    }
  });

  it('ships the project files check read, with the config references kept as text', () => {
    const content = String(res(stacks[0], 'aws_s3_object', 'project').content);
    const bundle = JSON.parse(content.replace(/\$\$\{/g, '${')) as { files: Record<string, string> };
    expect(Object.keys(bundle.files)).toEqual(
      expect.arrayContaining(['exportctl.yaml', 'config/base.yaml', 'config/envs/prod.yaml']),
    );
    expect(bundle.files['config/base.yaml']).toBe(readFileSync(join(EXAMPLE, 'config/base.yaml'), 'utf8'));
    // Terraform must not interpolate the config's ${VAR} references.
    expect(content).not.toMatch(/[^$]\$\{DATABASE_URL/);
  });

  it('configures the CloudWatch agent as documented, into the alarms namespace and dimensions', () => {
    // The fields used, from the agent's documented configuration file:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
    // (agent, metrics.namespace, metrics.metrics_collected.disk, logs.metrics_collected,
    // logs.force_flush_interval) and its Prometheus section:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-PrometheusEC2.html
    // (prometheus.log_group_name, prometheus_config_path, emf_processor.metric_declaration
    // with source_labels, label_matcher, dimensions, metric_selectors).
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        agent: {
          type: 'object',
          additionalProperties: false,
          properties: { region: { type: 'string' }, metrics_collection_interval: { type: 'integer' } },
        },
        metrics: {
          type: 'object',
          additionalProperties: false,
          required: ['metrics_collected'],
          properties: {
            namespace: { type: 'string', minLength: 1, maxLength: 255 },
            append_dimensions: { type: 'object' },
            metrics_collected: {
              type: 'object',
              properties: {
                disk: {
                  type: 'object',
                  required: ['measurement'],
                  properties: {
                    measurement: { type: 'array', items: { type: 'string' }, minItems: 1 },
                    resources: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
        logs: {
          type: 'object',
          additionalProperties: false,
          properties: {
            force_flush_interval: { type: 'integer', minimum: 1 },
            metrics_collected: {
              type: 'object',
              additionalProperties: false,
              properties: {
                prometheus: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['prometheus_config_path', 'emf_processor'],
                  properties: {
                    log_group_name: { type: 'string' },
                    prometheus_config_path: { type: 'string' },
                    emf_processor: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['metric_declaration'],
                      properties: {
                        metric_declaration_dedup: { type: 'boolean' },
                        metric_namespace: { type: 'string' },
                        metric_declaration: {
                          type: 'array',
                          items: {
                            type: 'object',
                            additionalProperties: false,
                            required: ['source_labels', 'label_matcher', 'dimensions', 'metric_selectors'],
                            properties: {
                              source_labels: { type: 'array', items: { type: 'string' } },
                              label_matcher: { type: 'string' },
                              dimensions: {
                                type: 'array',
                                items: { type: 'array', items: { type: 'string' } },
                              },
                              metric_selectors: { type: 'array', items: { type: 'string' }, minItems: 1 },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
    const validate = new Ajv({ strict: false }).compile(schema);
    for (const s of stacks) {
      const file = writeFiles(s).find((f) => f.path.endsWith('exportctl-agent.json'))!;
      const config = JSON.parse(file.content);
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      const decl = config.logs.metrics_collected.prometheus.emf_processor;
      const alarm = res(s, 'aws_cloudwatch_metric_alarm', 'alert_ExportQueueBacklog');
      expect(decl.metric_namespace).toBe(alarm.namespace);
      expect(decl.metric_declaration[0].dimensions).toEqual([Object.keys(alarm.dimensions as object)]);
      expect(decl.metric_declaration[0].metric_selectors).toContain('^export_queue_length$');
      const scrape = parse(writeFiles(s).find((f) => f.path.endsWith('exportctl-prometheus.yaml'))!.content);
      expect(scrape.scrape_configs[0].static_configs[0]).toEqual({
        targets: ['127.0.0.1:9464'],
        labels: alarm.dimensions,
      });
    }
  });
});

describe('secrets and undeployable probes', () => {
  function copyExample(name: string): string {
    const dir = join(tmp.dir, name);
    cpSync(EXAMPLE, dir, { recursive: true });
    return dir;
  }

  it('no secret value from the environment reaches anything synth writes', () => {
    const dir = copyExample('env-secrets');
    const secrets = ['postgres://exporter:s3cr3t-db-pass@db.example/orders', 'alice:t0ken-4a7f9c2e'];
    const r = runCli(['synth', '--out', join(dir, 'out')], {
      cwd: dir,
      env: {
        DATABASE_URL: secrets[0],
        EXPORTCTL_TOKENS: secrets[1],
        EXPORTCTL_ADMIN_TOKENS: 'root:adm1n-77',
      },
    });
    expect(r.code).toBe(0);
    let all = r.stdout + r.stderr;
    for (const e of readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const text = readFileSync(join(e.parentPath, e.name), 'utf8');
      all += text;
      for (const m of text.matchAll(/"user_data": "([A-Za-z0-9+/=]+)"/g)) all += Buffer.from(m[1], 'base64');
    }
    expect(all).toContain('secretsmanager get-secret-value'); // the user data was decoded
    for (const v of ['s3cr3t-db-pass', 't0ken-4a7f9c2e', 'adm1n-77']) expect(all).not.toContain(v);
  });

  it('exportctl plan names the missing package tarball instead of running terraform into it', () => {
    const out = join(tmp.dir, 'plan-no-tarball');
    const r = runCli(['plan', '--env', 'prod', '--out', out], { cwd: EXAMPLE });
    expect(r.stderr).toMatch(
      /stacks\/orders-export-prod\/exportctl\.tgz is missing: the stack ships the exportctl package/,
    );
    expect(r.stderr).not.toMatch(/terraform init/);
    expect(r.code).toBe(2);
  });

  it('terraform/probe-not-deployable: a path serve does not serve, ranges ALB cannot express', () => {
    const dir = copyExample('probes');
    const base = join(dir, 'config/base.yaml');
    writeFileSync(
      base,
      readFileSync(base, 'utf8').replace(
        /readiness: \{[^}]*\}/,
        'readiness: { path: /ready, initial_delay: 5s, period: 5s, timeout: 1s, failure_threshold: 11, success_threshold: 1 }',
      ),
    );
    const r = runCli(['synth', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const results = (JSON.parse(r.stdout) as { results: Array<{ rule: string; path: string; file: string }> })
      .results;
    const found = [
      ...new Set(results.filter((f) => f.rule === 'terraform/probe-not-deployable').map((f) => f.path)),
    ].sort();
    expect(
      results.every((f) => f.rule === 'terraform/probe-not-deployable' && f.file === 'config/base.yaml'),
    ).toBe(true);
    expect(found).toEqual([
      'probes.readiness.failure_threshold',
      'probes.readiness.path',
      'probes.readiness.success_threshold',
      'probes.readiness.timeout',
    ]);
  });
});
