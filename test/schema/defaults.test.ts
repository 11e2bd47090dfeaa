/**
 * The schema is the one truth for the config's shape and defaults: the exporter's and the
 * service's typed settings take their defaults from `default` in
 * schemas/export-config.schema.json, refuse what the schema refuses with the schema's own
 * message, and the TypeScript types are generated from it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/units.js';
import { ExportError, readExporterSettings } from '../../src/exporter/index.js';
import { readExportConfig } from '../../src/schema/read-config.js';
import { validateValue } from '../../src/schema/validate.js';
import { readServiceSettings } from '../../src/service/config.js';
import { buildStack } from '../../src/terraform/build-stack.js';
import { REPO } from '../helpers/cli.js';

type Obj = Record<string, unknown>;
const SCHEMA = JSON.parse(readFileSync(join(REPO, 'schemas/export-config.schema.json'), 'utf8')) as Obj;

/** The `default` the schema declares at a config path (`export.retry.attempts`). */
function schemaDefault(path: string): unknown {
  let node = SCHEMA;
  for (const key of path.split('.')) node = (node.properties as Obj)[key] as Obj;
  if (!('default' in node)) throw new Error(`the schema declares no default at ${path}`);
  return node.default;
}
const ms = (path: string) => parseDuration(schemaDefault(path) as string);

/** A valid config that leaves every defaulted setting out. */
function minimal(): Obj {
  return {
    apiVersion: 'exportctl/v1',
    kind: 'ExportConfig',
    metadata: { name: 'defaults' },
    server: { port: 8080 },
    database: { driver: 'sqlite', url: 'sqlite:data.db' },
    export: { source: { table: 'items', key: 'id' }, output: { format: 'csv', dir: './out' } },
  };
}

function codeOf(fn: () => unknown): ExportError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExportError);
    return err as ExportError;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('defaults come from the schema', () => {
  it('the exporter and the service apply the schema defaults, read from the schema file', () => {
    const values = minimal();
    expect(validateValue('ExportConfig', values)).toEqual([]);
    const exporter = readExporterSettings(values, { projectRoot: os.tmpdir() });
    const service = readServiceSettings(values, {});

    expect(exporter.export.chunkSize).toBe(schemaDefault('export.chunk_size'));
    expect(exporter.export.queueCapacity).toBe(schemaDefault('export.queue.capacity'));
    expect(exporter.export.output).toMatchObject({
      encoding: schemaDefault('export.output.encoding'),
      onUnencodable: schemaDefault('export.output.on_unencodable'),
      header: schemaDefault('export.output.header'),
    });
    expect(exporter.export.retry).toEqual({
      retries: schemaDefault('export.retry.attempts'),
      initialBackoffMs: ms('export.retry.initial_backoff'),
      maxBackoffMs: ms('export.retry.max_backoff'),
    });
    expect(exporter.database.acquireTimeoutMs).toBe(ms('database.pool.acquire_timeout'));

    expect(service).toMatchObject({
      host: schemaDefault('server.host'),
      requestTimeoutMs: ms('server.timeout'),
      queue: { backend: schemaDefault('queue.backend') },
    });

    // `export.workers` is read by both: the service runs that many jobs, the exporter gives
    // each its share of the pool. One default, the schema's, in both.
    const workers = schemaDefault('export.workers') as number;
    expect(service.workers).toBe(workers);
    expect(exporter.database.connectionsPerJob).toBe(
      Math.floor((schemaDefault('database.pool.max_connections') as number) / workers),
    );
  });

  it('a value given wins over the default, the same in the exporter and the service', () => {
    const values = minimal();
    (values.export as Obj).workers = 4;
    (values.database as Obj).pool = { max_connections: 20 };
    expect(readServiceSettings(values, {}).workers).toBe(4);
    expect(readExporterSettings(values, { projectRoot: os.tmpdir() }).database.connectionsPerJob).toBe(5);
  });

  it('nested defaults apply under a section that is present but partial', () => {
    const values = minimal();
    values.toggles = { fallback: { enabled: true } };
    values.monitoring = { metrics: { port: 9100 } };
    values.notifications = { webhook: { url: 'https://hooks.example/x' } };
    const s = readServiceSettings(values, {});
    expect(s.fallback).toEqual({
      strategy: schemaDefault('toggles.fallback.strategy'),
      timeoutMs: ms('toggles.fallback.timeout'),
    });
    expect(s.metrics).toEqual({ port: 9100, path: schemaDefault('monitoring.metrics.path') });
    expect(s.webhook).toEqual({
      url: 'https://hooks.example/x',
      timeoutMs: ms('notifications.webhook.timeout'),
    });
  });

  it('reading settings leaves the effective values as written (check, print and the digests see no defaults)', () => {
    const values = minimal();
    const before = JSON.stringify(values);
    const read = readExportConfig(values);
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.config.export.chunk_size).toBe(schemaDefault('export.chunk_size'));
    readExporterSettings(values, { projectRoot: os.tmpdir() });
    readServiceSettings(values, {});
    expect(JSON.stringify(values)).toBe(before);
  });
});

describe('what the schema refuses, the settings refuse with its message', () => {
  const cases: Array<[string, (v: Obj) => void]> = [
    ['a chunk size below the minimum', (v) => ((v.export as Obj).chunk_size = 0)],
    ['a chunk size above the schema maximum', (v) => ((v.export as Obj).chunk_size = 1_000_001)],
    ['a pool above PostgreSQL ceiling', (v) => ((v.database as Obj).pool = { max_connections: 262_144 })],
    ['a duration longer than a timer can wait', (v) => ((v.export as Obj).retry = { max_backoff: '600h' })],
    ['a bare number where a duration belongs', (v) => ((v.export as Obj).timeout = 30)],
    ['an unknown key', (v) => ((v.export as Obj).chunksize = 10)],
    [
      'an encoding the schema does not list',
      (v) => ((v.export as Obj).output = { format: 'csv', dir: 'x', encoding: 'latin-1' }),
    ],
  ];
  it.each(cases)(
    '%s: CONFIG_INVALID from the exporter and the service, with the schema finding',
    (_, patch) => {
      const values = minimal();
      patch(values);
      const [problem] = validateValue('ExportConfig', values);
      expect(problem).toBeDefined();
      const exporter = codeOf(() => readExporterSettings(values, { projectRoot: os.tmpdir() }));
      const service = codeOf(() => readServiceSettings(values, {}));
      for (const err of [exporter, service]) {
        expect(err.code).toBe('CONFIG_INVALID');
        expect(err.message.startsWith(problem.message)).toBe(true);
      }
    },
  );

  it('the exporter checks only the sections it reads: a library caller may leave out server', () => {
    const values = minimal();
    delete values.server;
    expect(readExporterSettings(values, { projectRoot: os.tmpdir() }).export.chunkSize).toBe(
      schemaDefault('export.chunk_size'),
    );
    expect(codeOf(() => readServiceSettings(values, {})).message).toBe(
      'missing required field "server" in the document',
    );
    delete values.export;
    expect(codeOf(() => readExporterSettings(values, { projectRoot: os.tmpdir() })).message).toBe(
      'missing required field "export" in the document',
    );
  });

  it('what the schema cannot say stays a named runtime check', () => {
    const values = minimal();
    (values.export as Obj).columns = [{ name: 'id' }, { name: 'id', from: 'other' }];
    expect(codeOf(() => readExporterSettings(values, { projectRoot: os.tmpdir() })).message).toBe(
      'export.columns[1].name: duplicate column id',
    );
    const redis = minimal();
    redis.queue = { backend: 'redis', url: '${EXPORTCTL_TEST_REDIS_URL:-}' };
    expect(codeOf(() => readServiceSettings(redis, {})).message).toBe(
      'queue.url: backend redis needs a redis:// URL',
    );
  });
});

describe('synth takes its defaults from the schema too', () => {
  /** The `default` of a probe setting (schemas/export-config.schema.json `$defs.probe`). */
  const probeDefault = (key: string): unknown =>
    (((SCHEMA.$defs as Obj).probe as Obj).properties as Record<string, Obj>)[key].default;
  const probeSeconds = (key: string) => (parseDuration(probeDefault(key) as string) ?? Number.NaN) / 1000;

  /** Instances, a bucket and a readiness probe the load balancer can run; no liveness, no count. */
  function deployable(): Obj {
    return {
      ...minimal(),
      probes: { readiness: { path: '/readyz', timeout: '2s', success_threshold: 2 } },
      infrastructure: {
        provider: 'aws',
        region: 'eu-west-1',
        instance: { ami: 'ami-0abcdef1234567890', type: 't3.small' },
        storage: { bucket: 'exports' },
      },
    };
  }

  it('the deployed probes and instance count are the schema defaults', () => {
    const values = deployable();
    const read = readExportConfig(values);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const built = buildStack('defaults', { env: 'dev', values, config: read.config });
    expect(built.findings).toEqual([]);
    const service = built.stack?.deployment?.service;
    expect(service?.liveness).toEqual({
      path: (schemaDefault('probes.liveness') as Obj).path,
      initialDelaySeconds: probeSeconds('initial_delay'),
      periodSeconds: probeSeconds('period'),
      timeoutSeconds: probeSeconds('timeout'),
      failureThreshold: probeDefault('failure_threshold'),
      successThreshold: probeDefault('success_threshold'),
    });
    expect(service?.readiness).toMatchObject({
      path: '/readyz',
      timeoutSeconds: 2,
      successThreshold: 2,
      periodSeconds: probeSeconds('period'),
    });
    const asg = built.stack?.resources.find((r) => r.type === 'aws_autoscaling_group');
    expect(asg?.attributes.desired_capacity).toBe(schemaDefault('infrastructure.instance.count'));
  });

  it('readExportConfig applies them to a copy: the effective config (print, drift) stays as written', () => {
    const values = deployable();
    const before = JSON.stringify(values);
    const read = readExportConfig(values);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.config.probes.liveness.path).toBe('/healthz');
    expect(read.config.infrastructure?.instance?.count).toBe(1);
    expect(JSON.stringify(values)).toBe(before);
  });
});

it('the TypeScript types of the config are generated from the schema and current', () => {
  const r = spawnSync(process.execPath, ['scripts/build-config-types.mjs', '--check'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const types = readFileSync(join(REPO, 'src/schema/export-config.types.ts'), 'utf8');
  // A defaulted property is never undefined in the type; one without a default may be.
  expect(types).toMatch(/\n {4}chunk_size: number;/);
  expect(types).toMatch(/\n {4}timeout\?: string;/);
});
