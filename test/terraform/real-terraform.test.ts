/**
 * synth, plan, plan-check and drift/state against the real terraform binary and the AWS
 * provider (offline, from the local mirror). One init per stack, shared by every test here.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStateJson, checkStateDrift } from '../../src/terraform/state-drift.js';
import { stateDriftForProject } from '../../src/synth/state-drift-project.js';
import { synthProject } from '../../src/synth/synth-project.js';
import { EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import {
  type PlannedResource,
  requireTerraform,
  stateFromPlan,
  terraformEnv,
  terraformOk,
  writeTestOverride,
} from '../helpers/terraform.js';

const ENVS = ['dev', 'staging', 'prod'];
const stackDir = (out: string, env: string) => join(out, 'stacks', `orders-export-${env}`);

interface PlanJson {
  resource_changes: Array<{ address: string; change: { actions: string[] } }>;
  configuration: { root_module: { resources: Array<{ address: string }> } };
  planned_values: { root_module: { resources: PlannedResource[] } };
}

describe('synth on examples/orders-export with real terraform', () => {
  const tmp = tempDir('exportctl-tf-');
  const out = join(tmp.dir, 'cdktf.out');
  let env: NodeJS.ProcessEnv;
  const plans = new Map<string, PlanJson>();

  beforeAll(async () => {
    requireTerraform();
    const r = runCli(['synth', '--out', out], { cwd: EXAMPLE });
    expect(r.stderr).toContain('synthesized orders-export-prod');
    expect(r.code).toBe(0);
    env = terraformEnv(tmp.dir);
    for (const e of ENVS) {
      writeTestOverride(stackDir(out, e));
      // The package the stack ships (README "Deployed architecture"); plan only hashes it.
      writeFileSync(join(stackDir(out, e), 'exportctl.tgz'), 'stand-in for the npm pack tarball\n');
    }
    await Promise.all(
      ENVS.map((e) => terraformOk(['init', '-input=false', '-no-color'], stackDir(out, e), env)),
    );
  }, 180_000);
  afterAll(() => tmp.cleanup());

  it('writes three stacks that terraform validate accepts', async () => {
    const results = await Promise.all(
      ENVS.map((e) => terraformOk(['validate', '-json', '-no-color'], stackDir(out, e), env)),
    );
    for (const text of results) {
      const v = JSON.parse(text) as { valid: boolean; error_count: number; warning_count: number };
      expect(v).toMatchObject({ valid: true, error_count: 0 });
    }
  }, 300_000);

  it('the provider schema (hashicorp/aws 5.100 from the mirror) has the rollback settings synth relies on', async () => {
    const text = await terraformOk(['providers', 'schema', '-json'], stackDir(out, 'prod'), env);
    type Block = {
      attributes?: Record<string, { type: unknown }>;
      block_types?: Record<string, { block: Block; max_items?: number }>;
    };
    const schemas = (
      JSON.parse(text) as {
        provider_schemas: Record<string, { resource_schemas: Record<string, { block: Block }> }>;
      }
    ).provider_schemas['registry.terraform.io/hashicorp/aws'].resource_schemas;
    const prefs =
      schemas.aws_autoscaling_group.block.block_types!.instance_refresh.block.block_types!.preferences.block;
    expect(prefs.attributes!.auto_rollback.type).toBe('bool');
    expect(prefs.block_types!.alarm_specification.block.attributes!.alarms.type).toEqual(['list', 'string']);
    const meta = schemas.aws_launch_template.block.block_types!.metadata_options.block.attributes!;
    expect(meta.instance_metadata_tags).toBeDefined();
  }, 120_000);

  it('plans every stack offline, with the same resource addresses in each', async () => {
    await Promise.all(
      ENVS.map(async (e) => {
        const dir = stackDir(out, e);
        await terraformOk(['plan', '-input=false', '-no-color', '-out=plan.tfplan'], dir, env);
        const text = await terraformOk(['show', '-json', 'plan.tfplan'], dir, env);
        writeFileSync(join(dir, 'plan.json'), text);
        plans.set(e, JSON.parse(text) as PlanJson);
      }),
    );
    const addresses = ENVS.map((e) =>
      plans
        .get(e)!
        .configuration.root_module.resources.map((r) => r.address)
        .sort(),
    );
    expect(addresses[0]).toContain('aws_db_instance.postgres');
    expect(addresses[0]).toContain('aws_cloudwatch_metric_alarm.alert_ExportSlow');
    expect(addresses[1]).toEqual(addresses[0]);
    expect(addresses[2]).toEqual(addresses[0]);
    // Everything is created; instance.count differs (allowed), so prod's group runs two instances.
    const prod = plans.get('prod')!.resource_changes;
    expect(prod.every((rc) => rc.change.actions.join() === 'create')).toBe(true);
    const asg = plans
      .get('prod')!
      .planned_values.root_module.resources.find((r) => r.address === 'aws_autoscaling_group.app');
    expect(asg?.values).toMatchObject({ desired_capacity: 2, min_size: 2 });
    // No secret reaches the plan either: the master password is AWS's.
    const planText = readFileSync(join(stackDir(out, 'prod'), 'plan.json'), 'utf8');
    expect(planText).toContain('"manage_master_user_password":true');
    expect(planText).not.toMatch(/"password":"[^"]/);
  }, 300_000);

  it('plan-check passes the create-only plan of every environment', () => {
    for (const e of ENVS) {
      const r = runCli(['plan-check', join(stackDir(out, e), 'plan.json'), '--env', e], {
        cwd: EXAMPLE,
      });
      expect(r.stdout + r.stderr).toContain('no problems');
      expect(r.code).toBe(0);
    }
  });

  it('exportctl plan: replacing a prod resource and a missing tag fail the pipeline (exit 1)', async () => {
    const dir = stackDir(out, 'prod');
    // A deployed prod whose bucket has another name (forces replacement), an instance of
    // another type, one alarm never created and a topic exportctl does not manage.
    const state = stateFromPlan(
      plans.get('prod')!,
      (r) => {
        if (r.address === 'aws_cloudwatch_metric_alarm.alert_ExportSlow') return undefined;
        if (r.address === 'aws_s3_bucket.exports') r.values.bucket = 'orders-exports-prod-old';
        if (r.address === 'aws_launch_template.app') {
          r.values.instance_type = 't3.large';
          // The instance tags hold the artifacts' version ids, unknown until apply: made up here.
          const spec = r.values.tag_specifications as Array<{ tags: Record<string, string> | null }>;
          spec[0].tags = {
            Team: 'data-platform',
            Environment: 'prod',
            Project: 'orders-export',
            Role: 'exporter',
            ExportctlPackageVersion: 'v-package-1',
            ExportctlProjectVersion: 'v-project-1',
          };
        }
        return r;
      },
      [
        {
          address: 'aws_sns_topic.legacy',
          mode: 'managed',
          type: 'aws_sns_topic',
          name: 'legacy',
          values: { name: 'legacy-alerts', tags: {}, tags_all: {} },
        },
      ],
    );
    writeFileSync(join(dir, 'terraform.tfstate'), state);
    // Someone overrode the topic's tags by hand: no Environment, no Project.
    writeTestOverride(dir, {
      resource: { aws_sns_topic: { alerts: { tags: { Team: 'data-platform' } } } },
    });
    const r = runCli(['plan', '--env', 'prod', '--out', out, '--format', 'json'], {
      cwd: EXAMPLE,
      timeout: 120_000,
      // Offline: plan against the state as written, without asking AWS.
      env: { ...env, TF_CLI_ARGS_plan: '-refresh=false' } as Record<string, string>,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(existsSync(join(dir, 'plan.tfplan'))).toBe(true);
    expect(existsSync(join(dir, 'plan.json'))).toBe(true);
    const report = JSON.parse(r.stdout) as {
      results: Array<{ rule: string; message: string; file: string; line: number; env: string }>;
    };
    const destroy = report.results.filter((f) => f.rule === 'plan/protected-destroy');
    expect(destroy.map((f) => f.message).join('\n')).toMatch(
      /replaces \(delete, then create\) aws_s3_bucket\.exports in protected environment prod \(forced by bucket\)/,
    );
    expect(destroy.map((f) => f.message).join('\n')).toMatch(/deletes aws_sns_topic\.legacy/);
    expect(destroy.every((f) => f.file.endsWith('plan.json') && f.line >= 1 && f.env === 'prod')).toBe(true);
    const tags = report.results.filter((f) => f.rule === 'plan/required-tags');
    expect(tags.map((f) => f.message)).toEqual([
      'aws_sns_topic.alerts lacks the Environment and Project tags',
    ]);
    expect(r.code).toBe(1);

    // The same plan in an unprotected environment: tags still matter, destruction does not.
    const dev = runCli(['plan-check', join(dir, 'plan.json'), '--env', 'dev', '--format', 'json'], {
      cwd: EXAMPLE,
    });
    const devRules = (JSON.parse(dev.stdout) as { results: Array<{ rule: string }> }).results.map(
      (f) => f.rule,
    );
    expect(devRules).toEqual(['plan/required-tags']);
    expect(dev.code).toBe(1);
  }, 150_000);

  it('drift/state reports differing attributes, missing and unmanaged resources from real state output', async () => {
    const dir = stackDir(out, 'prod');
    const text = await terraformOk(['show', '-json', 'terraform.tfstate'], dir, env);
    const file = join(dir, 'state.json');
    writeFileSync(file, text);
    const synth = await synthProject({ cwd: EXAMPLE, envs: ['prod'] });
    const findings = checkStateDrift({
      stack: synth.stacks[0],
      state: parseStateJson(text, file),
      file,
      text,
    });
    // The same through the project-level call behind `drift --state`: located in the config.
    const located = await stateDriftForProject({ cwd: EXAMPLE, env: 'prod', stateFile: file });
    const type = located.findings.find((f) => f.path === 'infrastructure.instance.type');
    expect(type?.location?.file).toBe(join(EXAMPLE, 'config/envs/prod.yaml'));
    const byMessage = (re: RegExp) => findings.filter((f) => re.test(f.message));
    expect(
      byMessage(
        /aws_launch_template\.app\.instance_type is "t3\.large" in the deployed state but "m6i\.large"/,
      ),
    ).toMatchObject([{ rule: 'drift/state', env: 'prod', path: 'infrastructure.instance.type' }]);
    expect(byMessage(/aws_s3_bucket\.exports\.bucket is "orders-exports-prod-old"/)).toMatchObject([
      { path: 'infrastructure.storage.bucket' },
    ]);
    expect(byMessage(/alert_ExportSlow is declared for prod but not in the state/)).toMatchObject([
      { path: 'monitoring.alerts[1]' },
    ]);
    expect(byMessage(/aws_sns_topic\.legacy is in the state of prod but not in its config/)).toHaveLength(1);
    expect(byMessage(/aws_sns_topic\.legacy/)[0].location?.file).toBe(file);
    // Nothing else: the untouched resources agree with the config.
    expect(findings).toHaveLength(4);

    // And through the command line.
    const cli = runCli(['drift', '--state', file, '--env', 'prod', '--format', 'json'], { cwd: EXAMPLE });
    expect(cli.code).toBe(1);
    const results = (JSON.parse(cli.stdout) as { results: Array<{ rule: string; file: string }> }).results;
    expect(results.map((f) => f.rule)).toEqual(Array(4).fill('drift/state'));
    expect(results.some((f) => f.file === 'config/envs/prod.yaml')).toBe(true);
    expect(runCli(['drift', '--state', file], { cwd: EXAMPLE }).code).toBe(2);
  }, 60_000);
});
