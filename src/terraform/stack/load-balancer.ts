/**
 * The load balancer in front of the instances. `probes.readiness` is the target group's
 * health check: path → `health_check.path`, period → `interval`, timeout → `timeout`,
 * success_threshold → `healthy_threshold`, failure_threshold → `unhealthy_threshold`
 * (ALB's ranges: `terraform/probe-not-deployable` refuses what it cannot express).
 */
import { type ResourceSpec, ref } from '../model.js';
import type { ServiceDeployment } from '../deploy/deployment.js';
import type { StackContext } from './context.js';

export const LISTENER_PORT = 80;

export function buildLoadBalancer(
  ctx: StackContext,
  d: ServiceDeployment,
  vpc: ResourceSpec,
  subnets: ResourceSpec[],
): { resources: ResourceSpec[]; targetGroup: ResourceSpec; securityGroup: ResourceSpec } {
  const r = d.readiness;
  const at = 'probes.readiness';
  const st = ctx.tagSources();
  const securityGroup: ResourceSpec = {
    type: 'aws_security_group',
    name: 'lb',
    attributes: {
      name: `${ctx.unique}-lb`,
      description: `exportctl ${ctx.project} (${ctx.env}) load balancer`,
      vpc_id: ref(vpc, 'id'),
      ingress: [
        {
          description: 'HTTP from anywhere',
          from_port: LISTENER_PORT,
          to_port: LISTENER_PORT,
          protocol: 'tcp',
          cidr_blocks: ['0.0.0.0/0'],
          ipv6_cidr_blocks: [],
          prefix_list_ids: [],
          security_groups: [],
          self: false,
        },
      ],
      egress: [
        {
          description: 'to the instances',
          from_port: d.serverPort,
          to_port: d.serverPort,
          protocol: 'tcp',
          cidr_blocks: ['10.0.0.0/16'],
          ipv6_cidr_blocks: [],
          prefix_list_ids: [],
          security_groups: [],
          self: false,
        },
      ],
      tags: st.tags,
    },
    sources: {
      '': { paths: ['server.port'] },
      name: { paths: [], env: true },
      description: { paths: [], env: true },
      'egress[0]': { paths: ['server.port'] },
      ...st.sources,
    },
  };
  const lt = ctx.tagSources();
  const lb: ResourceSpec = {
    type: 'aws_lb',
    name: 'app',
    attributes: {
      name: ctx.unique,
      internal: false,
      load_balancer_type: 'application',
      security_groups: [ref(securityGroup, 'id')],
      subnets: subnets.map((s) => ref(s, 'id')),
      drop_invalid_header_fields: true,
      tags: lt.tags,
    },
    sources: { '': { paths: ['server'] }, name: { paths: [], env: true }, ...lt.sources },
  };
  const tt = ctx.tagSources();
  const targetGroup: ResourceSpec = {
    type: 'aws_lb_target_group',
    name: 'app',
    attributes: {
      name: ctx.unique,
      port: d.serverPort,
      protocol: 'HTTP',
      target_type: 'instance',
      vpc_id: ref(vpc, 'id'),
      deregistration_delay: '30',
      health_check: {
        enabled: true,
        path: r.path,
        port: 'traffic-port',
        protocol: 'HTTP',
        matcher: '200',
        interval: r.periodSeconds,
        timeout: r.timeoutSeconds,
        healthy_threshold: r.successThreshold,
        unhealthy_threshold: r.failureThreshold,
      },
      tags: tt.tags,
    },
    sources: {
      '': { paths: [at] },
      name: { paths: [], env: true },
      port: { paths: ['server.port'] },
      'health_check.path': { paths: [`${at}.path`] },
      'health_check.interval': { paths: [`${at}.period`] },
      'health_check.timeout': { paths: [`${at}.timeout`] },
      'health_check.healthy_threshold': { paths: [`${at}.success_threshold`] },
      'health_check.unhealthy_threshold': { paths: [`${at}.failure_threshold`] },
      ...tt.sources,
    },
  };
  const ht = ctx.tagSources();
  const listener: ResourceSpec = {
    type: 'aws_lb_listener',
    name: 'http',
    attributes: {
      load_balancer_arn: ref(lb, 'arn'),
      port: LISTENER_PORT,
      protocol: 'HTTP',
      default_action: [{ type: 'forward', target_group_arn: ref(targetGroup, 'arn') }],
      tags: ht.tags,
    },
    sources: { '': { paths: ['server'] }, ...ht.sources },
  };
  return { resources: [securityGroup, lb, targetGroup, listener], targetGroup, securityGroup };
}
