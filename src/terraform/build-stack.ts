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
import type { ExportConfig } from '../schema/read-config.js';
import type { ResourceSpec, StackSpec } from './model.js';
import { buildAlarms } from './stack/alarms.js';
import { buildBackend } from './stack/backend.js';
import { buildExportsBucket } from './stack/bucket.js';
import type { ProjectBundle } from './stack/artifacts.js';
import { readInstance } from './stack/compute.js';
import { createStackContext, unsupportedFinding } from './stack/context.js';
import { buildDatabase } from './stack/database.js';
import { buildSecurityGroup } from './stack/network.js';
import { planService } from './stack/service.js';
import { buildNetwork } from './stack/vpc.js';

/** One environment as synth sees it (a CheckedEnvironment's `env`, `effective.values` and `config`). */
export interface StackInput {
  env: string;
  /** The effective config as written (`${VAR}` unresolved): provenance and secret scans. */
  values: ConfigValues;
  /** The same config typed by the schema, its defaults applied (`readExportConfig`). */
  config: ExportConfig;
  /** The project's checked files the stack ships to the instances (default: none). */
  bundle?: ProjectBundle;
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
  const { env, values, config } = input;
  const infra = config.infrastructure;
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
  const ctx = createStackContext(project, env, values, config, infra, unique, findings);

  const net = buildNetwork(ctx);
  const sg = buildSecurityGroup(ctx, net.vpc);
  const bucket = buildExportsBucket(ctx);
  const database = buildDatabase(ctx, sg, net.subnets);
  const instance = readInstance(ctx);
  const service = instance
    ? planService(
        ctx,
        instance,
        { ...net, sg },
        bucket.find((r) => r.type === 'aws_s3_bucket'),
        database.find((r) => r.type === 'aws_db_instance'),
        input.bundle ?? { files: {} },
      )
    : undefined;
  const alarms = buildAlarms(ctx);
  const resources: ResourceSpec[] = [
    ...net.resources,
    sg,
    ...bucket,
    ...(service?.secrets ?? []),
    ...database,
    ...(service?.artifactsAndRole ?? []),
    ...alarms,
    ...(service?.compute(alarms.filter((a) => a.type === 'aws_cloudwatch_metric_alarm')) ?? []),
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
        attributes: { region: infra.region },
        sources: { region: { paths: ['infrastructure.region'] } },
      },
      backend,
      resources,
      ...(service
        ? {
            deployment: {
              userData: service.userData,
              agentConfig: service.agentConfig,
              service: service.deployment,
            },
          }
        : {}),
    },
  };
}
