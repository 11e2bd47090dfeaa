/**
 * What the instances of one environment run, read from its effective config: the facts the
 * user data, the systemd units and the boot scripts are rendered from. Pure.
 */
import { isPlainObject } from '../../config/compose.js';
import type { ConfigValues } from '../../config/types.js';
import { durationSeconds } from '../../config/units.js';
import { type ServiceEnv, serviceEnv } from './service-env.js';

export interface Probe {
  path: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
}

export interface ServiceDeployment {
  project: string;
  env: string;
  /** `<project>-<env>`: the names of the stack's secrets, database and log group derive from it. */
  unique: string;
  region: string;
  /** The environment's exports bucket: the deployment artifacts live under its `deploy/` prefix. */
  bucket: string;
  serverPort: number;
  metrics?: { port: number; path: string };
  liveness: Probe;
  readiness: Probe;
  /** How long `serve` may drain on SIGTERM before systemd kills it. */
  stopTimeoutSeconds: number;
  variables: ServiceEnv;
  /** The RDS instance whose managed master secret gives DATABASE_URL (when synth creates it). */
  databaseIdentifier?: string;
  /** CloudWatch namespace the alarms watch. */
  namespace: string;
  /** Log group the CloudWatch agent sends the scraped metrics to (embedded metric format). */
  logGroup: string;
}

export const METRICS_NAMESPACE = 'exportctl';

/** Defaults of `probes.*` (schemas/export-config.schema.json) when a field is absent. */
const PROBE_DEFAULTS: Probe = {
  path: '/readyz',
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  failureThreshold: 3,
  successThreshold: 1,
};

function seconds(v: unknown, fallback: number): number {
  return durationSeconds(v, fallback);
}

export function readProbe(v: unknown, defaultPath: string): Probe {
  const p = isPlainObject(v) ? (v as Record<string, unknown>) : {};
  const int = (x: unknown, d: number) => (typeof x === 'number' ? x : d);
  return {
    path: typeof p.path === 'string' ? p.path : defaultPath,
    initialDelaySeconds: seconds(p.initial_delay, PROBE_DEFAULTS.initialDelaySeconds),
    periodSeconds: seconds(p.period, PROBE_DEFAULTS.periodSeconds),
    timeoutSeconds: seconds(p.timeout, PROBE_DEFAULTS.timeoutSeconds),
    failureThreshold: int(p.failure_threshold, PROBE_DEFAULTS.failureThreshold),
    successThreshold: int(p.success_threshold, PROBE_DEFAULTS.successThreshold),
  };
}

export function readDeployment(
  project: string,
  env: string,
  unique: string,
  values: ConfigValues,
  infra: Record<string, unknown>,
  bucket: string,
  hasDatabase: boolean,
): ServiceDeployment {
  const o = (x: unknown) => (isPlainObject(x) ? (x as Record<string, unknown>) : {});
  const server = o(values.server);
  const probes = o(values.probes);
  const metrics = o(o(values.monitoring).metrics);
  const exportTimeout = seconds(o(values.export).timeout, 300);
  return {
    project,
    env,
    unique,
    region: String(infra.region),
    bucket,
    serverPort: typeof server.port === 'number' ? server.port : 8080,
    ...(typeof metrics.port === 'number'
      ? {
          metrics: { port: metrics.port, path: typeof metrics.path === 'string' ? metrics.path : '/metrics' },
        }
      : {}),
    liveness: readProbe(probes.liveness, '/healthz'),
    readiness: readProbe(probes.readiness, '/readyz'),
    // A drain checkpoints running jobs; give it the export timeout and a minute more.
    stopTimeoutSeconds: Math.ceil(exportTimeout) + 60,
    variables: serviceEnv(values, hasDatabase),
    ...(hasDatabase ? { databaseIdentifier: unique } : {}),
    namespace: METRICS_NAMESPACE,
    logGroup: `/exportctl/${unique}`,
  };
}
