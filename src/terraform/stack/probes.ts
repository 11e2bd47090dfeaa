/**
 * `terraform/probe-not-deployable`: the probes must be something the deployed stack can run.
 * The readiness probe becomes an ALB target group health check (whose ranges AWS fixes), and
 * both probes must ask for a path the service serves.
 */
import type { Probe } from '../deploy/deployment.js';
import { RULE_PROBE_NOT_DEPLOYABLE } from '../rules.js';
import type { StackContext } from './context.js';

/** The paths `exportctl serve` answers without authentication (src/service/routes.ts). */
export const SERVED_PROBE_PATHS = ['/healthz', '/readyz'];

/** ALB target group health check limits (Elastic Load Balancing API reference, HealthCheck*). */
export const ALB_HEALTH_CHECK = {
  interval: [5, 300],
  timeout: [2, 120],
  threshold: [2, 10],
} as const;

export function checkProbes(ctx: StackContext, liveness: Probe, readiness: Probe): void {
  const report = (path: string, message: string) =>
    ctx.report({ rule: RULE_PROBE_NOT_DEPLOYABLE, severity: 'error', path, message });
  for (const [name, p] of [
    ['liveness', liveness],
    ['readiness', readiness],
  ] as const) {
    if (!SERVED_PROBE_PATHS.includes(p.path)) {
      report(
        `probes.${name}.path`,
        `exportctl serve does not serve ${p.path}; a ${name} probe there always fails (served: ${SERVED_PROBE_PATHS.join(', ')})`,
      );
    }
  }
  const at = 'probes.readiness';
  const range = (
    field: string,
    value: number,
    [lo, hi]: readonly [number, number],
    unit: string,
    what: string,
  ) => {
    if (value < lo || value > hi || !Number.isInteger(value)) {
      report(
        `${at}.${field}`,
        `the load balancer's health check ${what} must be a whole number from ${lo} to ${hi}${unit}; ${at}.${field} gives ${value}${unit}`,
      );
      return false;
    }
    return true;
  };
  const okInterval = range('period', readiness.periodSeconds, ALB_HEALTH_CHECK.interval, ' s', 'interval');
  const okTimeout = range('timeout', readiness.timeoutSeconds, ALB_HEALTH_CHECK.timeout, ' s', 'timeout');
  range('success_threshold', readiness.successThreshold, ALB_HEALTH_CHECK.threshold, '', 'healthy threshold');
  range(
    'failure_threshold',
    readiness.failureThreshold,
    ALB_HEALTH_CHECK.threshold,
    '',
    'unhealthy threshold',
  );
  if (okInterval && okTimeout && readiness.timeoutSeconds >= readiness.periodSeconds) {
    report(
      `${at}.timeout`,
      `the load balancer's health check timeout must be shorter than its interval; ${at} has timeout ${readiness.timeoutSeconds} s and period ${readiness.periodSeconds} s`,
    );
  }
}
