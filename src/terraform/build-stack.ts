/**
 * What `synth` emits for one environment (docs/reference.md#terraform), as our own stack
 * model: pure, no CDKTF.
 * Every attribute records the config paths it comes from (and whether it carries the
 * environment's name), which is what lets `terraform/identical-environments` and
 * `drift/state` point back into the config.
 *
 * Nothing here reads a secret-bearing field (database.url, server.auth, notifications.webhook):
 * the RDS master password is managed by AWS (`manage_master_user_password`).
 */
import { isPlainObject } from '../config/compose.js';
import { appendPath } from '../config/path.js';
import { isSecretKey, literalSecret } from '../config/secrets.js';
import type { ConfigValues } from '../config/types.js';
import { parseDuration } from '../config/units.js';
import type { Finding } from '../diagnostics/finding.js';
import {
  type AttributeSources,
  type BackendSpec,
  type ResourceSpec,
  ref,
  type StackSpec,
  type TfValue,
} from './model.js';
import { RULE_UNSUPPORTED } from './rules.js';

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

/** Alarms evaluate one-minute periods; `for` becomes a number of them. */
const ALARM_PERIOD_SECONDS = 60;
const DB_USERNAME = 'exportctl';

const COMPARISON: Record<string, string | undefined> = {
  '>': 'GreaterThanThreshold',
  '>=': 'GreaterThanOrEqualToThreshold',
  '<': 'LessThanThreshold',
  '<=': 'LessThanOrEqualToThreshold',
};

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return isPlainObject(v) ? (v as Obj) : undefined;
}

export function stackName(project: string, env: string): string {
  return `${project}-${env}`;
}

export function buildStack(project: string, input: StackInput): BuildStackResult {
  const { env, values } = input;
  const findings: Finding[] = [];
  const unsupported = (path: string, message: string) =>
    findings.push({ rule: RULE_UNSUPPORTED, severity: 'error', message, path, env });

  const infra = obj(values.infrastructure);
  if (!infra) {
    unsupported('infrastructure', 'synth needs an infrastructure section (provider and region)');
    return { findings };
  }
  const suffix = (name: string) => `${name}-${env}`;
  const unique = stackName(project, env);
  const resources: ResourceSpec[] = [];

  // Tags on every taggable resource: Environment and Project (required by plan/required-tags),
  // then the project's own, which cannot replace those two.
  const userTags = obj(infra.tags) ?? {};
  const tagSources = (role?: string): { tags: Record<string, string>; sources: AttributeSources } => {
    const tags: Record<string, string> = {};
    const sources: AttributeSources = {};
    for (const [k, v] of Object.entries(userTags)) {
      if (k === 'Environment' || k === 'Project' || (role && k === 'Role')) continue;
      // A secret in a tag would end up in Terraform state and in the AWS console.
      if (literalSecret(k, v) !== undefined || isSecretKey(k)) {
        unsupported(
          appendPath('infrastructure.tags', k),
          `tag "${k}" looks like a secret; tags are not secret`,
        );
        continue;
      }
      tags[k] = String(v);
      sources[appendPath('tags', k)] = { paths: [appendPath('infrastructure.tags', k)] };
    }
    tags.Environment = env;
    sources['tags.Environment'] = { paths: [], env: true };
    tags.Project = project;
    sources['tags.Project'] = { paths: [] };
    if (role) {
      tags.Role = role;
      sources['tags.Role'] = { paths: [] };
    }
    return { tags, sources };
  };

  // --- network: one security group admitting the service (and metrics) port -------------
  const serverPort = obj(values.server)?.port;
  const metricsPort = obj(obj(values.monitoring)?.metrics)?.port;
  const sg: ResourceSpec = {
    type: 'aws_security_group',
    name: 'exporter',
    attributes: {},
    sources: { '': { paths: ['server.port'] } },
  };
  {
    const t = tagSources();
    const rule = (description: string, port: unknown, fromAnywhere: boolean): TfValue => ({
      description,
      from_port: port as number,
      to_port: port as number,
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
    if (typeof metricsPort === 'number') {
      ingress.push(rule('Prometheus metrics (monitoring.metrics.port)', metricsPort, false));
      sg.sources['ingress[1]'] = { paths: ['monitoring.metrics.port'] };
    }
    sg.attributes = {
      name: unique,
      description: `exportctl ${project} (${env})`,
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
    resources.push(sg);
  }

  // --- compute -------------------------------------------------------------------------
  const instance = obj(infra.instance);
  if (instance) {
    if (typeof instance.ami !== 'string' || typeof instance.type !== 'string') {
      unsupported(
        'infrastructure.instance',
        'synth needs infrastructure.instance.ami and infrastructure.instance.type to create instances',
      );
    } else {
      const t = tagSources('exporter');
      resources.push({
        type: 'aws_instance',
        name: 'app',
        count: typeof instance.count === 'number' ? instance.count : 1,
        attributes: {
          ami: instance.ami,
          instance_type: instance.type,
          vpc_security_group_ids: [ref(sg, 'id')],
          metadata_options: { http_tokens: 'required' },
          tags: t.tags,
        },
        sources: {
          '': { paths: ['infrastructure.instance'] },
          count: { paths: ['infrastructure.instance.count'] },
          ami: { paths: ['infrastructure.instance.ami'] },
          instance_type: { paths: ['infrastructure.instance.type'] },
          ...t.sources,
        },
      });
    }
  }

  // --- storage: the exports bucket --------------------------------------------------------
  const storage = obj(infra.storage);
  if (storage && typeof storage.bucket === 'string') {
    const bucketName = suffix(storage.bucket);
    const t = tagSources();
    const bucket: ResourceSpec = {
      type: 'aws_s3_bucket',
      name: 'exports',
      attributes: { bucket: bucketName, tags: t.tags },
      sources: {
        '': { paths: ['infrastructure.storage'] },
        bucket: { paths: ['infrastructure.storage.bucket'], env: true },
        ...t.sources,
      },
    };
    resources.push(bucket);
    const bucketRef = ref(bucket, 'id');
    const storageSrc = { '': { paths: ['infrastructure.storage'] } };
    resources.push({
      type: 'aws_s3_bucket_versioning',
      name: 'exports',
      attributes: {
        bucket: bucketRef,
        versioning_configuration: { status: storage.versioning === true ? 'Enabled' : 'Suspended' },
      },
      sources: { ...storageSrc, versioning_configuration: { paths: ['infrastructure.storage.versioning'] } },
    });
    resources.push({
      type: 'aws_s3_bucket_server_side_encryption_configuration',
      name: 'exports',
      attributes: {
        bucket: bucketRef,
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
      },
      sources: storageSrc,
    });
    resources.push({
      type: 'aws_s3_bucket_public_access_block',
      name: 'exports',
      attributes: {
        bucket: bucketRef,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
      sources: storageSrc,
    });
    if (typeof storage.retention_days === 'number') {
      const days = storage.retention_days;
      resources.push({
        type: 'aws_s3_bucket_lifecycle_configuration',
        name: 'exports',
        attributes: {
          bucket: bucketRef,
          rule: [
            {
              id: 'expire-exports',
              status: 'Enabled',
              filter: [{ prefix: '' }],
              expiration: [{ days }],
              noncurrent_version_expiration: [{ noncurrent_days: days }],
            },
          ],
        },
        sources: {
          '': { paths: ['infrastructure.storage.retention_days'] },
          rule: { paths: ['infrastructure.storage.retention_days'] },
        },
      });
    }
  }

  // --- database: RDS PostgreSQL, password managed by AWS -----------------------------------
  const db = obj(infra.database);
  if (db) {
    if (typeof db.version !== 'string' || typeof db.class !== 'string') {
      unsupported(
        'infrastructure.database',
        'synth needs infrastructure.database.version and infrastructure.database.class to create the database',
      );
    } else {
      const major = db.version.split('.')[0];
      const t = tagSources();
      const maxConnections = obj(values.database)?.server_max_connections;
      const params: TfValue[] = [];
      if (typeof maxConnections === 'number') {
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
      resources.push(pg);
      const t2 = tagSources();
      resources.push({
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
      });
    }
  }

  // --- alerts: an SNS topic, e-mail subscriptions, one CloudWatch alarm per alert ----------
  const alertsValue = obj(values.monitoring)?.alerts;
  const alerts: unknown[] = Array.isArray(alertsValue) ? alertsValue : [];
  const emailValue = obj(values.notifications)?.email;
  const emails = (Array.isArray(emailValue) ? emailValue : []).filter(
    (e): e is string => typeof e === 'string',
  );
  if (alerts.length > 0 || emails.length > 0) {
    const t = tagSources();
    const topic: ResourceSpec = {
      type: 'aws_sns_topic',
      name: 'alerts',
      attributes: { name: unique, tags: t.tags },
      sources: { '': { paths: ['monitoring.alerts'] }, name: { paths: [], env: true }, ...t.sources },
    };
    resources.push(topic);
    if (emails.length > 0) {
      resources.push({
        type: 'aws_sns_topic_subscription',
        name: 'email',
        forEach: [...emails].sort(),
        attributes: { topic_arn: ref(topic, 'arn'), protocol: 'email', endpoint: { each: 'value' } },
        sources: { '': { paths: ['notifications.email'] }, for_each: { paths: ['notifications.email'] } },
      });
    }
    const used = new Set<string>();
    alerts.forEach((a, i) => {
      const alert = obj(a);
      if (!alert || typeof alert.name !== 'string') return;
      const at = `monitoring.alerts[${i}]`;
      const comparison = COMPARISON[String(alert.op)];
      if (!comparison) {
        unsupported(
          `${at}.op`,
          `CloudWatch alarms cannot compare with "${String(alert.op)}"; use >, >=, < or <=`,
        );
        return;
      }
      let name = `alert_${alert.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      while (used.has(name)) name += '_';
      used.add(name);
      const periods =
        typeof alert.for === 'string'
          ? Math.max(1, Math.ceil(durationSeconds(alert.for) / ALARM_PERIOD_SECONDS))
          : 1;
      const ta = tagSources();
      const statistic: Record<string, TfValue> =
        typeof alert.quantile === 'number'
          ? { extended_statistic: `p${+(alert.quantile * 100).toFixed(2)}` }
          : { statistic: 'Maximum' };
      resources.push({
        type: 'aws_cloudwatch_metric_alarm',
        name,
        attributes: {
          alarm_name: `${project}-${alert.name}-${env}`,
          alarm_description: `exportctl alert ${alert.name} (${project}, ${env})`,
          namespace: 'exportctl',
          metric_name: String(alert.metric),
          dimensions: { Project: project, Environment: env },
          ...statistic,
          comparison_operator: comparison,
          threshold: alert.threshold as number,
          period: ALARM_PERIOD_SECONDS,
          evaluation_periods: periods,
          treat_missing_data: 'notBreaching',
          alarm_actions: [ref(topic, 'arn')],
          ok_actions: [ref(topic, 'arn')],
          tags: ta.tags,
        },
        sources: {
          '': { paths: [at] },
          alarm_name: { paths: [`${at}.name`], env: true },
          alarm_description: { paths: [`${at}.name`], env: true },
          metric_name: { paths: [`${at}.metric`] },
          'dimensions.Environment': { paths: [], env: true },
          'dimensions.Project': { paths: [] },
          extended_statistic: { paths: [`${at}.quantile`] },
          statistic: { paths: [`${at}.quantile`] },
          comparison_operator: { paths: [`${at}.op`] },
          threshold: { paths: [`${at}.threshold`] },
          evaluation_periods: { paths: [`${at}.for`] },
          ...ta.sources,
        },
      });
    });
  }

  // --- state backend ------------------------------------------------------------------------
  let backend: BackendSpec | undefined;
  const s3 = obj(obj(infra.backend)?.s3);
  if (s3 && typeof s3.bucket === 'string') {
    const prefix = typeof s3.key_prefix === 'string' && s3.key_prefix !== '' ? s3.key_prefix : project;
    backend = {
      type: 's3',
      attributes: {
        bucket: s3.bucket,
        key: `${prefix}/${env}.tfstate`,
        region: typeof s3.region === 'string' ? s3.region : String(infra.region),
        encrypt: true,
      },
      sources: {
        '': { paths: ['infrastructure.backend.s3'] },
        bucket: { paths: ['infrastructure.backend.s3.bucket'] },
        key: { paths: ['infrastructure.backend.s3.key_prefix'], env: true },
        region: { paths: ['infrastructure.backend.s3.region', 'infrastructure.region'] },
      },
    };
  }

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

/** Seconds of a config duration (`5m`, `1h30m`); the schema has already validated the text. */
function durationSeconds(text: string): number {
  return (parseDuration(text) ?? 0) / 1000;
}
