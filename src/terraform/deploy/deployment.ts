/**
 * What the instances of one environment run, read from its config as the schema types it
 * (defaults applied, `readExportConfig`): the facts the user data, the systemd units and the
 * boot scripts are rendered from. Pure.
 */
import type { ConfigValues } from '../../config/types.js';
import { durationSeconds } from '../../config/units.js';
import type { ExportConfig } from '../../schema/read-config.js';
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

/**
 * How long a drain may take when `export.timeout` is absent (the exporter then sets no time
 * budget of its own, so this is the deployment's choice, not a config default).
 */
const DRAIN_SECONDS_WITHOUT_TIMEOUT = 300;

type ProbeConfig = ExportConfig['probes']['liveness'];

export function readProbe(p: ProbeConfig): Probe {
  return {
    path: p.path,
    initialDelaySeconds: durationSeconds(p.initial_delay),
    periodSeconds: durationSeconds(p.period),
    timeoutSeconds: durationSeconds(p.timeout),
    failureThreshold: p.failure_threshold,
    successThreshold: p.success_threshold,
  };
}

export function readDeployment(
  project: string,
  env: string,
  unique: string,
  config: ExportConfig,
  values: ConfigValues,
  region: string,
  bucket: string,
  hasDatabase: boolean,
): ServiceDeployment {
  const metrics = config.monitoring?.metrics;
  const timeout = config.export.timeout;
  const exportTimeout = timeout === undefined ? DRAIN_SECONDS_WITHOUT_TIMEOUT : durationSeconds(timeout);
  return {
    project,
    env,
    unique,
    region,
    bucket,
    serverPort: config.server.port,
    ...(metrics?.port !== undefined ? { metrics: { port: metrics.port, path: metrics.path } } : {}),
    liveness: readProbe(config.probes.liveness),
    readiness: readProbe(config.probes.readiness),
    // A drain checkpoints running jobs; give it the export timeout and a minute more.
    stopTimeoutSeconds: Math.ceil(exportTimeout) + 60,
    variables: serviceEnv(values, config, hasDatabase),
    ...(hasDatabase ? { databaseIdentifier: unique } : {}),
    namespace: METRICS_NAMESPACE,
    logGroup: `/exportctl/${unique}`,
  };
}
