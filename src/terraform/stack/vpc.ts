/**
 * The network the stack runs in: a VPC with two public subnets in two zones (the load
 * balancer and the database subnet group need two), an internet gateway and its route.
 * Instances reach S3, Secrets Manager, RDS and CloudWatch through the gateway.
 */
import { type ResourceSpec, ref } from '../model.js';
import type { StackContext } from './context.js';

export interface Network {
  resources: ResourceSpec[];
  vpc: ResourceSpec;
  subnets: ResourceSpec[];
}

const ZONES: Array<[name: string, zone: string, cidr: string]> = [
  ['a', 'a', '10.0.1.0/24'],
  ['b', 'b', '10.0.2.0/24'],
];

export function buildNetwork(ctx: StackContext): Network {
  const region = String(ctx.infra.region);
  const regionSrc = { paths: ['infrastructure.region'] };
  const tagged = () => ctx.tagSources();
  const t = tagged();
  const vpc: ResourceSpec = {
    type: 'aws_vpc',
    name: 'main',
    attributes: {
      cidr_block: '10.0.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: t.tags,
    },
    sources: { '': { paths: ['infrastructure'] }, ...t.sources },
  };
  const subnets = ZONES.map(([name, zone, cidr]): ResourceSpec => {
    const ts = tagged();
    return {
      type: 'aws_subnet',
      name,
      attributes: {
        vpc_id: ref(vpc, 'id'),
        cidr_block: cidr,
        availability_zone: `${region}${zone}`,
        map_public_ip_on_launch: true,
        tags: ts.tags,
      },
      sources: { '': { paths: ['infrastructure'] }, availability_zone: regionSrc, ...ts.sources },
    };
  });
  const tg = tagged();
  const gateway: ResourceSpec = {
    type: 'aws_internet_gateway',
    name: 'main',
    attributes: { vpc_id: ref(vpc, 'id'), tags: tg.tags },
    sources: { '': { paths: ['infrastructure'] }, ...tg.sources },
  };
  const tr = tagged();
  const table: ResourceSpec = {
    type: 'aws_route_table',
    name: 'public',
    attributes: { vpc_id: ref(vpc, 'id'), tags: tr.tags },
    sources: { '': { paths: ['infrastructure'] }, ...tr.sources },
  };
  const route: ResourceSpec = {
    type: 'aws_route',
    name: 'internet',
    attributes: {
      route_table_id: ref(table, 'id'),
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: ref(gateway, 'id'),
    },
    sources: { '': { paths: ['infrastructure'] } },
  };
  const associations = subnets.map(
    (s): ResourceSpec => ({
      type: 'aws_route_table_association',
      name: s.name,
      attributes: { subnet_id: ref(s, 'id'), route_table_id: ref(table, 'id') },
      sources: { '': { paths: ['infrastructure'] } },
    }),
  );
  return { resources: [vpc, ...subnets, gateway, table, route, ...associations], vpc, subnets };
}
