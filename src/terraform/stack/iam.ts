/**
 * The instances' role: exactly what the service and its boot scripts need. Read the
 * deployment artifacts under the bucket's `deploy/` prefix, read the stack's secrets and
 * the database's managed master secret, describe its own database, write the agent's
 * metric log events to its log group, and PutMetricData into the alarms' namespace only
 * (PutMetricData has no resource-level scoping in IAM: `Resource: "*"` with a
 * `cloudwatch:namespace` condition is the narrowest AWS can express).
 */
import { canonicalJson } from '../../config/canonical-json.js';
import { type ResourceSpec, ref, resourceAddress } from '../model.js';
import { DEPLOY_PREFIX } from '../deploy/layout.js';
import type { ServiceDeployment } from '../deploy/deployment.js';
import type { StackContext } from './context.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

/** Actions AWS authorizes only against `*`; each must carry a Condition. */
export const RESOURCELESS_ACTIONS = new Set(['cloudwatch:PutMetricData']);

const interp = (r: ResourceSpec, attribute: string) => `\${${resourceAddress(r)}.${attribute}}`;

export function buildInstanceRole(
  ctx: StackContext,
  d: ServiceDeployment,
  refs: { bucket: ResourceSpec; secrets: ResourceSpec[]; database?: ResourceSpec; logGroup?: ResourceSpec },
): { resources: ResourceSpec[]; profile: ResourceSpec; statements: PolicyStatement[] } {
  const statements: PolicyStatement[] = [
    {
      Sid: 'ReadDeployArtifacts',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: [`${interp(refs.bucket, 'arn')}/${DEPLOY_PREFIX}/*`],
    },
  ];
  const secretArns = refs.secrets.map((s) => interp(s, 'arn'));
  if (refs.database)
    secretArns.push(`\${${resourceAddress(refs.database)}.master_user_secret[0].secret_arn}`);
  if (secretArns.length > 0) {
    statements.push({
      Sid: 'ReadServiceSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: secretArns,
    });
  }
  if (refs.database) {
    statements.push({
      Sid: 'FindDatabase',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances'],
      Resource: [interp(refs.database, 'arn')],
    });
  }
  if (refs.logGroup) {
    statements.push({
      Sid: 'WriteMetricLogEvents',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: [`${interp(refs.logGroup, 'arn')}:*`],
    });
  }
  statements.push({
    Sid: 'PublishMetricsToOwnNamespace',
    Effect: 'Allow',
    Action: ['cloudwatch:PutMetricData'],
    Resource: ['*'],
    Condition: { StringEquals: { 'cloudwatch:namespace': d.namespace } },
  });

  const t = ctx.tagSources();
  const role: ResourceSpec = {
    type: 'aws_iam_role',
    name: 'instance',
    attributes: {
      name: ctx.unique,
      description: `exportctl instances of ${ctx.project} (${ctx.env})`,
      // Canonical (sorted keys, no spaces): how AWS and the provider keep it, so drift/state compares equal.
      assume_role_policy: canonicalJson({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
      tags: t.tags,
    },
    sources: {
      '': { paths: ['infrastructure.instance'] },
      name: { paths: [], env: true },
      description: { paths: [], env: true },
      ...t.sources,
    },
  };
  const policy: ResourceSpec = {
    type: 'aws_iam_role_policy',
    name: 'instance',
    attributes: {
      name: 'exportctl-service',
      role: ref(role, 'id'),
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    },
    sources: { '': { paths: ['infrastructure.instance'] }, policy: { paths: [], env: true } },
  };
  const pt = ctx.tagSources();
  const profile: ResourceSpec = {
    type: 'aws_iam_instance_profile',
    name: 'instance',
    attributes: { name: ctx.unique, role: ref(role, 'name'), tags: pt.tags },
    sources: { '': { paths: ['infrastructure.instance'] }, name: { paths: [], env: true }, ...pt.sources },
  };
  return { resources: [role, policy, profile], profile, statements };
}

export function buildMetricLogGroup(ctx: StackContext, d: ServiceDeployment): ResourceSpec {
  const t = ctx.tagSources();
  return {
    type: 'aws_cloudwatch_log_group',
    name: 'metrics',
    attributes: { name: d.logGroup, retention_in_days: 14, tags: t.tags },
    sources: { '': { paths: ['monitoring.metrics'] }, name: { paths: [], env: true }, ...t.sources },
  };
}

/** `terraform/wildcard-iam`: what in these statements grants more than named resources. */
export function wildcardGrants(statements: readonly PolicyStatement[]): string[] {
  const problems: string[] = [];
  for (const s of statements) {
    for (const a of s.Action) if (a.includes('*')) problems.push(`${s.Sid} grants wildcard action ${a}`);
    for (const r of s.Resource) {
      if (r !== '*') continue;
      if (!s.Action.every((a) => RESOURCELESS_ACTIONS.has(a))) {
        problems.push(`${s.Sid} grants ${s.Action.join(', ')} on every resource`);
      } else if (!s.Condition) {
        problems.push(`${s.Sid} grants ${s.Action.join(', ')} on every resource without a condition`);
      }
    }
  }
  return problems;
}
