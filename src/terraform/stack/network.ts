/** The network: one security group admitting the service (and metrics) port. */
import { type ResourceSpec, type TfValue, ref } from '../model.js';
import type { StackContext } from './context.js';

export function buildSecurityGroup(ctx: StackContext, vpc?: ResourceSpec): ResourceSpec {
  const { project, env, config, unique } = ctx;
  const serverPort = config.server.port;
  const metricsPort = config.monitoring?.metrics?.port;
  const sg: ResourceSpec = {
    type: 'aws_security_group',
    name: 'exporter',
    attributes: {},
    sources: { '': { paths: ['server.port'] } },
  };
  const t = ctx.tagSources();
  const rule = (description: string, port: number, fromAnywhere: boolean): TfValue => ({
    description,
    from_port: port,
    to_port: port,
    protocol: 'tcp',
    cidr_blocks: fromAnywhere ? ['0.0.0.0/0'] : [],
    ipv6_cidr_blocks: [],
    prefix_list_ids: [],
    security_groups: [],
    // Metrics are for scrapers inside the group, never the internet.
    self: !fromAnywhere,
  });
  const ingress: TfValue[] = [rule('exportctl API (server.port)', serverPort, true)];
  sg.sources['ingress[0]'] = { paths: ['server.port'] };
  if (metricsPort !== undefined) {
    ingress.push(rule('Prometheus metrics (monitoring.metrics.port)', metricsPort, false));
    sg.sources['ingress[1]'] = { paths: ['monitoring.metrics.port'] };
  }
  sg.attributes = {
    name: unique,
    description: `exportctl ${project} (${env})`,
    ...(vpc ? { vpc_id: ref(vpc, 'id') } : {}),
    ingress,
    egress: [
      {
        description: 'all outbound',
        from_port: 0,
        to_port: 0,
        protocol: '-1',
        cidr_blocks: ['0.0.0.0/0'],
        ipv6_cidr_blocks: [],
        prefix_list_ids: [],
        security_groups: [],
        self: false,
      },
    ],
    tags: t.tags,
  };
  Object.assign(sg.sources, t.sources, {
    name: { paths: [], env: true },
    description: { paths: [], env: true },
  });
  return sg;
}
