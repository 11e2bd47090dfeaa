/**
 * The service on the instances: everything between "an AMI" and "an exporter that answers
 * behind a load balancer, is restarted when stuck and rolled back when a rollout goes bad".
 * Network, secrets, artifacts, IAM, launch template with cloud-init user data, load
 * balancer, Auto Scaling group.
 */
import { appendPath } from '../../config/path.js';
import { isPlainObject } from '../../config/compose.js';
import { literalSecret } from '../../config/secrets.js';
import { agentConfig, agentPrometheusConfig, startAgentCommand } from '../deploy/cloudwatch-agent.js';
import { readDeployment, type ServiceDeployment } from '../deploy/deployment.js';
import { AGENT_CONFIG_FILE, AGENT_PROMETHEUS_FILE } from '../deploy/layout.js';
import { renderUserData, userDataFiles } from '../deploy/user-data.js';
import type { ResourceSpec } from '../model.js';
import { RULE_WILDCARD_IAM } from '../rules.js';
import { type ProjectBundle, buildArtifacts } from './artifacts.js';
import { buildAutoScalingGroup, buildLaunchTemplate, type InstanceSpec } from './compute.js';
import type { StackContext } from './context.js';
import { buildInstanceRole, buildMetricLogGroup, wildcardGrants } from './iam.js';
import { buildLoadBalancer } from './load-balancer.js';
import { checkProbes } from './probes.js';
import { buildServiceSecrets } from './secrets.js';

/** The config paths the rendered user data depends on (for identical-environments). */
const USER_DATA_PATHS = [
  'server.port',
  'server.auth',
  'database.url',
  'probes',
  'monitoring',
  'export.timeout',
  'infrastructure.region',
  'infrastructure.storage.bucket',
  'notifications.webhook',
];

/** AWS caps load balancer and target group names at 32 characters. */
const MAX_LB_NAME = 32;

export interface ServiceParts {
  /** Before the database (the IAM policy references it by address, not order). */
  secrets: ResourceSpec[];
  /** After the bucket and the database, before the alarms. */
  artifactsAndRole: ResourceSpec[];
  /** After the alarms (the Auto Scaling group names them). */
  compute(alarms: ResourceSpec[]): ResourceSpec[];
  deployment: ServiceDeployment;
  userData: string;
  agentConfig: Record<string, unknown>;
}

/** Every literal secret in the config, by path: the stack ships the config, so there must be none. */
function literalSecretPaths(value: unknown, path: string, key: string, out: string[]): string[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      literalSecretPaths(v, appendPath(path, i), key, out);
    });
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      literalSecretPaths(v, appendPath(path, k), k, out);
  } else if (literalSecret(key, value) !== undefined) out.push(path);
  return out;
}

export function planService(
  ctx: StackContext,
  instance: InstanceSpec,
  net: { vpc: ResourceSpec; subnets: ResourceSpec[]; sg: ResourceSpec },
  bucket: ResourceSpec | undefined,
  database: ResourceSpec | undefined,
  bundle: ProjectBundle,
): ServiceParts | undefined {
  const bucketName = bucket?.attributes.bucket;
  if (!bucket || typeof bucketName !== 'string') {
    ctx.unsupported(
      'infrastructure.storage.bucket',
      'instances need infrastructure.storage.bucket: the stack ships the exportctl package and the checked config to them through it',
    );
    return undefined;
  }
  for (const p of literalSecretPaths(ctx.values, '', '', [])) {
    ctx.unsupported(
      p,
      'the stack ships the config to the instances, and this value is a literal secret; reference an environment variable (${VAR}) and synth creates a Secrets Manager secret for it',
    );
  }
  if (ctx.unique.length > MAX_LB_NAME) {
    ctx.unsupported(
      'infrastructure',
      `the load balancer and target group are named "${ctx.unique}", longer than AWS's ${MAX_LB_NAME} characters; use a shorter project or environment name`,
    );
  }
  const d = readDeployment(
    ctx.project,
    ctx.env,
    ctx.unique,
    ctx.config,
    ctx.values,
    ctx.infra.region,
    bucketName,
    database !== undefined,
  );
  checkProbes(ctx, d.liveness, d.readiness);

  const metricNames = (ctx.config.monitoring?.alerts ?? []).map((a) => a.metric);
  const agent = agentConfig(d, metricNames);
  const agentFiles = d.metrics
    ? [
        { path: AGENT_CONFIG_FILE, content: `${JSON.stringify(agent, null, 2)}\n`, permissions: '0644' },
        { path: AGENT_PROMETHEUS_FILE, content: agentPrometheusConfig(d), permissions: '0644' },
      ]
    : [];
  const userData = renderUserData(userDataFiles(d, agentFiles), d.metrics ? startAgentCommand() : []);

  const secrets = buildServiceSecrets(ctx, d);
  const logGroup = d.metrics ? buildMetricLogGroup(ctx, d) : undefined;
  const artifacts = buildArtifacts(ctx, bucket, bundle);
  const role = buildInstanceRole(ctx, d, { bucket, secrets, database, logGroup });
  for (const problem of wildcardGrants(role.statements)) {
    ctx.report({
      rule: RULE_WILDCARD_IAM,
      severity: 'error',
      path: 'infrastructure.instance',
      message: problem,
    });
  }
  const template = buildLaunchTemplate(
    ctx,
    instance,
    { sg: net.sg, profile: role.profile, pkg: artifacts.pkg, project: artifacts.project },
    userData,
    USER_DATA_PATHS,
  );
  const lb = buildLoadBalancer(ctx, d, net.vpc, net.subnets);
  return {
    secrets,
    artifactsAndRole: [...(logGroup ? [logGroup] : []), ...artifacts.resources, ...role.resources],
    compute: (alarms) => [
      template,
      ...lb.resources,
      buildAutoScalingGroup(ctx, d, instance, {
        template,
        subnets: net.subnets,
        targetGroup: lb.targetGroup,
        alarms,
      }),
    ],
    deployment: d,
    userData,
    agentConfig: agent,
  };
}
