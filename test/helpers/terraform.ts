/**
 * Real terraform in tests, offline: a CLI config pointing at the local provider mirror,
 * test-only credentials and skip_* settings plus a local backend in an override file of the
 * test's copy (never in the emitted stacks).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTerraform } from '../../src/plan/terraform-cli.js';

/**
 * The provider mirror (a directory in terraform's filesystem-mirror layout). It comes with the
 * CI machine, not from a registry: $EXPORTCTL_TF_PLUGIN_MIRROR, else /opt/tf-plugins.
 */
export const PLUGIN_MIRROR = process.env.EXPORTCTL_TF_PLUGIN_MIRROR || '/opt/tf-plugins';
const AWS_MIRROR = join(PLUGIN_MIRROR, 'registry.terraform.io/hashicorp/aws/5.100.0');

/** The terraform binary: $EXPORTCTL_TERRAFORM, else `terraform` on PATH (as `exportctl plan` finds it). */
function terraformBinary(): string {
  try {
    return findTerraform();
  } catch (e) {
    throw new Error(`${(e as Error).message} (the terraform tests run the real binary)`);
  }
}

/** Fails (never skips) when the machine lacks what the terraform tests need. */
export function requireTerraform(): void {
  terraformBinary();
  if (!existsSync(AWS_MIRROR)) {
    throw new Error(
      `the hashicorp/aws 5.100.0 provider mirror is missing at ${AWS_MIRROR}; these tests run terraform offline against it. Put the provider there in filesystem-mirror layout (terraform providers mirror DIR, on a machine with network) and set EXPORTCTL_TF_PLUGIN_MIRROR=DIR`,
    );
  }
}

/** Environment for terraform: our CLI config (filesystem mirror only), no prompts, no color. */
export function terraformEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const rc = join(dir, 'terraform-test.tfrc');
  if (!existsSync(rc)) {
    writeFileSync(
      rc,
      `provider_installation {\n  filesystem_mirror {\n    path = "${PLUGIN_MIRROR}"\n  }\n}\ndisable_checkpoint = true\n`,
    );
  }
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: rc,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...extra,
  };
}

/** The test-only provider settings and local backend, as an override file in a stack's directory. */
export function writeTestOverride(stackDir: string, extra: Record<string, unknown> = {}): void {
  const override = {
    provider: {
      aws: {
        access_key: 'AKIATESTONLY00000000',
        secret_key: 'test-only-not-a-secret',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      },
    },
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    ...extra,
  };
  writeFileSync(join(stackDir, 'exportctl_test_override.tf.json'), `${JSON.stringify(override, null, 2)}\n`);
}

export interface TfRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs terraform asynchronously, so several stacks can run at once. */
export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TfRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBinary(), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function terraformOk(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await terraform(args, cwd, env);
  if (r.code !== 0)
    throw new Error(`terraform ${args.join(' ')} in ${cwd} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Schema versions of the resource types synth emits (hashicorp/aws 5.100.0). */
const SCHEMA_VERSION: Record<string, number> = {
  aws_instance: 1,
  aws_security_group: 1,
  aws_s3_bucket_lifecycle_configuration: 1,
  aws_db_instance: 2,
  aws_cloudwatch_metric_alarm: 1,
  aws_autoscaling_group: 1,
  aws_subnet: 1,
  aws_vpc: 1,
};

/** Types with an `arn` attribute (made up in fake state, since it is unknown until apply). */
const HAS_ARN = new Set([
  'aws_instance',
  'aws_security_group',
  'aws_s3_bucket',
  'aws_db_parameter_group',
  'aws_db_instance',
  'aws_sns_topic',
  'aws_sns_topic_subscription',
  'aws_cloudwatch_metric_alarm',
  'aws_autoscaling_group',
  'aws_cloudwatch_log_group',
  'aws_db_subnet_group',
  'aws_iam_instance_profile',
  'aws_iam_role',
  'aws_internet_gateway',
  'aws_launch_template',
  'aws_lb',
  'aws_lb_listener',
  'aws_lb_target_group',
  'aws_route_table',
  'aws_s3_object',
  'aws_secretsmanager_secret',
  'aws_subnet',
  'aws_vpc',
]);

export interface PlannedResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: number | string;
  values: Record<string, unknown>;
}

/**
 * A state file as if a plan had been applied: each planned resource with its planned
 * values, and made-up ids and ARNs for what was unknown. `edit` may change attributes.
 */
export function stateFromPlan(
  plan: { planned_values: { root_module: { resources: PlannedResource[] } } },
  edit: (r: PlannedResource) => PlannedResource | undefined = (r) => r,
  extra: PlannedResource[] = [],
): string {
  const byResource = new Map<string, { type: string; name: string; instances: unknown[] }>();
  for (const planned of [...plan.planned_values.root_module.resources, ...extra]) {
    if (planned.mode !== 'managed') continue;
    const r = edit(structuredClone(planned));
    if (!r) continue;
    const key = `${r.type}.${r.name}`;
    const entry = byResource.get(key) ?? { type: r.type, name: r.name, instances: [] };
    const id = `${r.type}-${r.name}-${r.index ?? 0}`.replace(/[^a-zA-Z0-9-]/g, '-');
    entry.instances.push({
      ...(r.index !== undefined ? { index_key: r.index } : {}),
      schema_version: SCHEMA_VERSION[r.type] ?? 0,
      attributes: {
        id,
        ...(HAS_ARN.has(r.type) ? { arn: `arn:aws:test:us-east-1:000000000000:${id}` } : {}),
        ...r.values,
      },
      sensitive_attributes: [],
    });
    byResource.set(key, entry);
  }
  return `${JSON.stringify(
    {
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: '5e1f0c4e-0000-4000-8000-000000000000',
      outputs: {},
      resources: [...byResource.values()].map((r) => ({
        mode: 'managed',
        type: r.type,
        name: r.name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: r.instances,
      })),
      check_results: null,
    },
    null,
    2,
  )}\n`;
}
