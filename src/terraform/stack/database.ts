/**
 * The database: RDS PostgreSQL and its parameter group. The master password is managed by
 * AWS (`manage_master_user_password`): nothing here reads database.url.
 */
import { type ResourceSpec, type TfValue, ref } from '../model.js';
import type { StackContext } from './context.js';

const DB_USERNAME = 'exportctl';

export function buildDatabase(
  ctx: StackContext,
  sg: ResourceSpec,
  subnets: ResourceSpec[] = [],
): ResourceSpec[] {
  const { project, env, config, unique } = ctx;
  const db = ctx.infra.database;
  if (!db) return [];
  if (db.version === undefined || db.class === undefined) {
    ctx.unsupported(
      'infrastructure.database',
      'synth needs infrastructure.database.version and infrastructure.database.class to create the database',
    );
    return [];
  }
  const major = db.version.split('.')[0];
  const t = ctx.tagSources();
  const maxConnections = config.database.server_max_connections;
  const params: TfValue[] = [];
  if (maxConnections !== undefined) {
    // A static parameter: takes effect at the next reboot.
    params.push({
      name: 'max_connections',
      value: String(maxConnections),
      apply_method: 'pending-reboot',
    });
  }
  const pg: ResourceSpec = {
    type: 'aws_db_parameter_group',
    name: 'postgres',
    attributes: {
      name: unique,
      family: `postgres${major}`,
      description: `exportctl ${project} (${env})`,
      parameter: params,
      tags: t.tags,
    },
    sources: {
      '': { paths: ['infrastructure.database'] },
      name: { paths: [], env: true },
      description: { paths: [], env: true },
      family: { paths: ['infrastructure.database.version'] },
      parameter: { paths: ['database.server_max_connections'] },
      ...t.sources,
    },
  };
  const ts = ctx.tagSources();
  const subnetGroup: ResourceSpec | undefined =
    subnets.length > 0
      ? {
          type: 'aws_db_subnet_group',
          name: 'postgres',
          attributes: {
            name: unique,
            description: `exportctl ${project} (${env})`,
            subnet_ids: subnets.map((s) => ref(s, 'id')),
            tags: ts.tags,
          },
          sources: {
            '': { paths: ['infrastructure.database'] },
            name: { paths: [], env: true },
            description: { paths: [], env: true },
            ...ts.sources,
          },
        }
      : undefined;
  const t2 = ctx.tagSources();
  const instance: ResourceSpec = {
    type: 'aws_db_instance',
    name: 'postgres',
    attributes: {
      identifier: unique,
      engine: 'postgres',
      engine_version: db.version,
      instance_class: db.class,
      allocated_storage: typeof db.storage_gb === 'number' ? db.storage_gb : 20,
      multi_az: db.multi_az === true,
      storage_encrypted: true,
      username: DB_USERNAME,
      manage_master_user_password: true,
      parameter_group_name: ref(pg, 'name'),
      vpc_security_group_ids: [ref(sg, 'id')],
      ...(subnetGroup ? { db_subnet_group_name: ref(subnetGroup, 'name') } : {}),
      copy_tags_to_snapshot: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: `${unique}-final`,
      tags: t2.tags,
    },
    sources: {
      '': { paths: ['infrastructure.database'] },
      identifier: { paths: [], env: true },
      final_snapshot_identifier: { paths: [], env: true },
      engine_version: { paths: ['infrastructure.database.version'] },
      instance_class: { paths: ['infrastructure.database.class'] },
      allocated_storage: { paths: ['infrastructure.database.storage_gb'] },
      multi_az: { paths: ['infrastructure.database.multi_az'] },
      ...t2.sources,
    },
  };
  return subnetGroup ? [pg, subnetGroup, instance] : [pg, instance];
}
