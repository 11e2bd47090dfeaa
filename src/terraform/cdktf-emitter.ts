/**
 * The CDKTF implementation of `Emitter`: each resource of our model becomes an instance of
 * its `@cdktf/provider-aws` binding (deep imports only: the package root loads ~2000 modules),
 * and the stack's `toTerraform()` gives the JSON. Only this file imports cdktf.
 */
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import type * as Cdktf from 'cdktf';
import type { Construct } from 'constructs';
import type { Emitter, TerraformJson } from './emitter.js';
import { flattenLeaves } from './flatten.js';
import { isEachValue, isRef, resourceAddress, type StackSpec, type TfValue } from './model.js';

const require = createRequire(import.meta.url);

/** Terraform resource type → binding module under @cdktf/provider-aws/lib and its class. */
const BINDINGS: Record<string, [module: string, className: string]> = {
  aws_instance: ['instance', 'Instance'],
  aws_security_group: ['security-group', 'SecurityGroup'],
  aws_s3_bucket: ['s3-bucket', 'S3Bucket'],
  aws_s3_bucket_versioning: ['s3-bucket-versioning', 'S3BucketVersioningA'],
  aws_s3_bucket_server_side_encryption_configuration: [
    's3-bucket-server-side-encryption-configuration',
    'S3BucketServerSideEncryptionConfigurationA',
  ],
  aws_s3_bucket_public_access_block: ['s3-bucket-public-access-block', 'S3BucketPublicAccessBlock'],
  aws_s3_bucket_lifecycle_configuration: [
    's3-bucket-lifecycle-configuration',
    'S3BucketLifecycleConfiguration',
  ],
  aws_db_parameter_group: ['db-parameter-group', 'DbParameterGroup'],
  aws_db_instance: ['db-instance', 'DbInstance'],
  aws_sns_topic: ['sns-topic', 'SnsTopic'],
  aws_sns_topic_subscription: ['sns-topic-subscription', 'SnsTopicSubscription'],
  aws_cloudwatch_metric_alarm: ['cloudwatch-metric-alarm', 'CloudwatchMetricAlarm'],
  aws_vpc: ['vpc', 'Vpc'],
  aws_subnet: ['subnet', 'Subnet'],
  aws_internet_gateway: ['internet-gateway', 'InternetGateway'],
  aws_route_table: ['route-table', 'RouteTable'],
  aws_route: ['route', 'Route'],
  aws_route_table_association: ['route-table-association', 'RouteTableAssociation'],
  aws_db_subnet_group: ['db-subnet-group', 'DbSubnetGroup'],
  aws_secretsmanager_secret: ['secretsmanager-secret', 'SecretsmanagerSecret'],
  aws_cloudwatch_log_group: ['cloudwatch-log-group', 'CloudwatchLogGroup'],
  aws_s3_object: ['s3-object', 'S3Object'],
  aws_iam_role: ['iam-role', 'IamRole'],
  aws_iam_role_policy: ['iam-role-policy', 'IamRolePolicy'],
  aws_iam_instance_profile: ['iam-instance-profile', 'IamInstanceProfile'],
  aws_launch_template: ['launch-template', 'LaunchTemplate'],
  aws_lb: ['lb', 'Lb'],
  aws_lb_target_group: ['lb-target-group', 'LbTargetGroup'],
  aws_lb_listener: ['lb-listener', 'LbListener'],
  aws_autoscaling_group: ['autoscaling-group', 'AutoscalingGroup'],
};

/** Attributes that are maps with user keys: their keys are not renamed to camelCase. */
const MAP_ATTRIBUTES = new Set(['tags', 'dimensions']);

type ResourceClass = new (
  scope: Construct,
  id: string,
  config: Record<string, unknown>,
) => Cdktf.TerraformResource;

function loadBinding(type: string): ResourceClass {
  const b = BINDINGS[type];
  if (!b) throw new Error(`no CDKTF binding registered for ${type}`);
  const mod = require(`@cdktf/provider-aws/lib/${b[0]}/index.js`) as Record<string, ResourceClass>;
  return mod[b[1]];
}

function isMap(v: TfValue): v is { [key: string]: TfValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !isRef(v) && !isEachValue(v);
}

/** Attribute names that JSII renamed in the bindings (reserved words). */
const RENAMED: Record<string, string> = { self: 'selfAttribute' };

function camel(key: string): string {
  if (RENAMED[key]) return RENAMED[key];
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function createCdktfEmitter(): Emitter {
  const cdktf = require('cdktf') as typeof Cdktf;
  const { AwsProvider } = require('@cdktf/provider-aws/lib/provider/index.js') as {
    AwsProvider: new (
      scope: Construct,
      id: string,
      config: Record<string, unknown>,
    ) => Cdktf.TerraformProvider;
  };
  const version = (require('cdktf/package.json') as { version: string }).version;

  function emitStack(spec: StackSpec): TerraformJson {
    // App creates its outdir when missing; point it at one that exists. We never call app.synth():
    // files are written by the caller.
    const app = new cdktf.App({ outdir: tmpdir(), skipValidation: true });
    const stack = new cdktf.TerraformStack(app, spec.name);
    new AwsProvider(stack, 'aws', convert(spec.provider.attributes, undefined) as Record<string, unknown>);
    if (spec.backend) {
      new cdktf.S3Backend(stack, spec.backend.attributes as unknown as Cdktf.S3BackendConfig);
    }
    const built = new Map<string, Cdktf.TerraformResource>();
    for (const r of spec.resources) {
      const Binding = loadBinding(r.type);
      const iterator = r.forEach ? cdktf.TerraformIterator.fromList(r.forEach) : undefined;
      const config: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.attributes)) {
        config[camel(k)] = MAP_ATTRIBUTES.has(k) ? v : convert(v, iterator);
      }
      if (iterator) config.forEach = iterator;
      const res = new Binding(stack, resourceAddress(r), config);
      // Addresses are ours (`aws_instance.app`), never CDKTF's hashed ids.
      res.overrideLogicalId(r.name);
      if (r.count !== undefined) res.count = r.count;
      built.set(resourceAddress(r), res);
    }

    function convert(v: TfValue, it: Cdktf.ListTerraformIterator | undefined): unknown {
      if (isRef(v)) {
        const target = built.get(v.ref.address);
        if (!target) throw new Error(`reference to ${v.ref.address}, which is not declared before it`);
        return target.getStringAttribute(v.ref.attribute);
      }
      if (isEachValue(v)) {
        if (!it) throw new Error('each.value outside a for_each resource');
        return it.value;
      }
      if (Array.isArray(v)) return v.map((x) => convert(x, it));
      if (v !== null && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          out[camel(k)] = MAP_ATTRIBUTES.has(k) && isMap(x) ? convertMap(x, it) : convert(x, it);
        }
        return out;
      }
      return v;
    }

    /** A map with user keys (nested `tags`): values converted, keys kept. */
    function convertMap(m: { [key: string]: TfValue }, it: Cdktf.ListTerraformIterator | undefined) {
      return Object.fromEntries(Object.entries(m).map(([k, x]) => [k, convert(x, it)]));
    }

    const json = stack.toTerraform() as TerraformJson;
    verifyEmitted(spec, json);
    return json;
  }

  return {
    name: `cdktf ${version}`,
    emit: (stacks) => stacks.map(emitStack),
  };
}

/** What a model value must look like in Terraform JSON. */
function expected(v: TfValue): unknown {
  if (isRef(v)) return `\${${v.ref.address}.${v.ref.attribute}}`;
  if (isEachValue(v)) return '${each.value}';
  if (Array.isArray(v)) return v.map(expected);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
  return v;
}

/**
 * A binding silently drops config keys it does not know (a typo, a reserved word JSII
 * renamed, an attribute the provider version lacks). Every value of the model must come out
 * the other side unchanged.
 */
function verifyEmitted(spec: StackSpec, json: TerraformJson): void {
  for (const r of spec.resources) {
    const body = json.resource?.[r.type]?.[r.name];
    if (!body) throw new Error(`emitter lost ${resourceAddress(r)}`);
    const got = flattenLeaves(body);
    for (const [k, v] of flattenLeaves(expected(r.attributes as TfValue))) {
      if (JSON.stringify(got.get(k)) !== JSON.stringify(v)) {
        throw new Error(
          `emitter changed ${resourceAddress(r)}.${k}: ${JSON.stringify(v)} became ${JSON.stringify(got.get(k))}`,
        );
      }
    }
  }
}
