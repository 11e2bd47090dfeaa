/**
 * Compute: a launch template whose user data installs and starts the service, and an Auto
 * Scaling group of `infrastructure.instance.count` instances behind the load balancer's
 * target group. A new launch template version (config, package or image changed) rolls out
 * as an instance refresh that keeps full capacity, and rolls back on its own when new
 * instances fail the readiness health check or when one of the environment's alarms fires.
 */
import { type ResourceSpec, ref } from '../model.js';
import type { ServiceDeployment } from '../deploy/deployment.js';
import { TAG_PACKAGE_VERSION, TAG_PROJECT_VERSION } from '../deploy/layout.js';
import type { StackContext } from './context.js';

/** Seconds an instance needs from launch until the service can be ready (packages, npm install). */
export const BOOT_SECONDS = 240;

export interface InstanceSpec {
  ami: string;
  type: string;
  count: number;
}

/** `infrastructure.instance`, or undefined (with a finding when it is incomplete). */
export function readInstance(ctx: StackContext): InstanceSpec | undefined {
  const instance = ctx.infra.instance;
  if (!instance) return undefined;
  if (instance.ami === undefined || instance.type === undefined) {
    ctx.unsupported(
      'infrastructure.instance',
      'synth needs infrastructure.instance.ami and infrastructure.instance.type to create instances',
    );
    return undefined;
  }
  return {
    ami: instance.ami,
    type: instance.type,
    count: instance.count,
  };
}

export function buildLaunchTemplate(
  ctx: StackContext,
  instance: InstanceSpec,
  refs: { sg: ResourceSpec; profile: ResourceSpec; pkg: ResourceSpec; project: ResourceSpec },
  userData: string,
  userDataPaths: string[],
): ResourceSpec {
  const t = ctx.tagSources();
  const it = ctx.tagSources('exporter');
  return {
    type: 'aws_launch_template',
    name: 'app',
    attributes: {
      name: ctx.unique,
      image_id: instance.ami,
      instance_type: instance.type,
      vpc_security_group_ids: [ref(refs.sg, 'id')],
      iam_instance_profile: { arn: ref(refs.profile, 'arn') },
      metadata_options: {
        http_endpoint: 'enabled',
        http_tokens: 'required',
        http_put_response_hop_limit: 1,
        // The install script reads the artifact versions from the instance's tags.
        instance_metadata_tags: 'enabled',
      },
      user_data: Buffer.from(userData, 'utf8').toString('base64'),
      update_default_version: true,
      tag_specifications: [
        {
          resource_type: 'instance',
          tags: {
            ...it.tags,
            [TAG_PACKAGE_VERSION]: ref(refs.pkg, 'version_id'),
            [TAG_PROJECT_VERSION]: ref(refs.project, 'version_id'),
          },
        },
      ],
      tags: t.tags,
    },
    sources: {
      '': { paths: ['infrastructure.instance'] },
      name: { paths: [], env: true },
      image_id: { paths: ['infrastructure.instance.ami'] },
      instance_type: { paths: ['infrastructure.instance.type'] },
      user_data: { paths: userDataPaths, env: true },
      'tag_specifications[0].tags.Environment': { paths: [], env: true },
      ...t.sources,
    },
  };
}

export function buildAutoScalingGroup(
  ctx: StackContext,
  d: ServiceDeployment,
  instance: InstanceSpec,
  refs: {
    template: ResourceSpec;
    subnets: ResourceSpec[];
    targetGroup: ResourceSpec;
    alarms: ResourceSpec[];
  },
): ResourceSpec {
  const r = d.readiness;
  // Time for one new instance to pass the readiness check after booting.
  const warmup = BOOT_SECONDS + Math.ceil(r.initialDelaySeconds + r.periodSeconds * r.successThreshold);
  const tags = ctx.tagSources().tags;
  return {
    type: 'aws_autoscaling_group',
    name: 'app',
    attributes: {
      name: ctx.unique,
      min_size: instance.count,
      max_size: instance.count * 2,
      desired_capacity: instance.count,
      vpc_zone_identifier: refs.subnets.map((s) => ref(s, 'id')),
      target_group_arns: [ref(refs.targetGroup, 'arn')],
      health_check_type: 'ELB',
      health_check_grace_period: warmup,
      launch_template: { id: ref(refs.template, 'id'), version: ref(refs.template, 'latest_version') },
      instance_refresh: {
        strategy: 'Rolling',
        preferences: {
          min_healthy_percentage: 100,
          max_healthy_percentage: 200,
          instance_warmup: String(warmup),
          auto_rollback: true,
          ...(refs.alarms.length > 0
            ? { alarm_specification: { alarms: refs.alarms.map((a) => ref(a, 'alarm_name')) } }
            : {}),
        },
      },
      tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagate_at_launch: false })),
    },
    sources: {
      '': { paths: ['infrastructure.instance'] },
      name: { paths: [], env: true },
      min_size: { paths: ['infrastructure.instance.count'] },
      max_size: { paths: ['infrastructure.instance.count'] },
      desired_capacity: { paths: ['infrastructure.instance.count'] },
      health_check_grace_period: { paths: ['probes.readiness'] },
      'instance_refresh.preferences.instance_warmup': { paths: ['probes.readiness'] },
      'instance_refresh.preferences.alarm_specification': { paths: ['monitoring.alerts'] },
      tag: { paths: ['infrastructure.tags'], env: true },
    },
  };
}
