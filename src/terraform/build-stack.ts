/**
 * What `synth` emits for one environment (docs/reference.md#terraform), as our own stack
 * model: pure, no CDKTF.
 * Every attribute records the config paths it comes from (and whether it carries the
 * environment's name), which is what lets `terraform/identical-environments` and
 * `drift/state` point back into the config.
 *
 * Each resource family has its own builder under `stack/`; this composes them in a fixed
 * order (the order of the resources in the emitted JSON).
 *
 * Nothing here reads a secret-bearing field (database.url, server.auth, notifications.webhook):
 * the RDS master password is managed by AWS (`manage_master_user_password`).
 */
import type { ConfigValues } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import type { ResourceSpec, StackSpec } from './model.js';
import { buildAlarms } from './stack/alarms.js';
import { buildBackend } from './stack/backend.js';
import { buildExportsBucket } from './stack/bucket.js';
import { buildInstances } from './stack/compute.js';
import { createStackContext, obj, unsupportedFinding } from './stack/context.js';
import { buildDatabase } from './stack/database.js';
import { buildSecurityGroup } from './stack/network.js';

/** One environment as synth sees it (an EffectiveConfig fits). */
export interface StackInput {
  env: string;
  values: ConfigValues;
}

export interface BuildStackResult {
  /** Absent when the config asks for something Terraform cannot express. */
  stack?: StackSpec;
  findings: Finding[];
}

export function stackName(project: string, env: string): string {
  return `${project}-${env}`;
}

export function buildStack(project: string, input: StackInput): BuildStackResult {
  const { env, values } = input;
  const infra = obj(values.infrastructure);
  if (!infra) {
    return {
      findings: [
        unsupportedFinding(
          env,
          'infrastructure',
          'synth needs an infrastructure section (provider and region)',
        ),
      ],
    };
  }
  const findings: Finding[] = [];
  const unique = stackName(project, env);
  const ctx = createStackContext(project, env, values, infra, unique, findings);

  const sg = buildSecurityGroup(ctx);
  const resources: ResourceSpec[] = [
    sg,
    ...buildInstances(ctx, sg),
    ...buildExportsBucket(ctx),
    ...buildDatabase(ctx, sg),
    ...buildAlarms(ctx),
  ];
  const backend = buildBackend(ctx);

  if (findings.length > 0) return { findings };
  return {
    findings,
    stack: {
      name: unique,
      env,
      provider: {
        name: 'aws',
        attributes: { region: String(infra.region) },
        sources: { region: { paths: ['infrastructure.region'] } },
      },
      backend,
      resources,
    },
  };
}
