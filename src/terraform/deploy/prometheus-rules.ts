/**
 * `monitoring.alerts` as Prometheus alerting rules (for users who run Prometheus instead of,
 * or next to, the CloudWatch alarms), and a `promtool test rules` suite that pins what each
 * rule means: with the series on the breaching side it fires once `for` has passed, and
 * with the series on the other side it stays silent. Pure: synth writes both files.
 */
import { stringify } from 'yaml';
import { isPlainObject } from '../../config/compose.js';
import type { ConfigValues } from '../../config/types.js';
import { durationSeconds } from '../../config/units.js';

export interface AlertSpec {
  name: string;
  metric: string;
  quantile?: number;
  op: string;
  threshold: number;
  /** Seconds the condition must hold (0: fires at once). */
  forSeconds: number;
  severity?: string;
}

/** Window of `rate()` for a histogram quantile. */
const RATE_WINDOW = '5m';
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function readAlerts(values: ConfigValues): AlertSpec[] {
  const monitoring = isPlainObject(values.monitoring) ? (values.monitoring as Record<string, unknown>) : {};
  const list = Array.isArray(monitoring.alerts) ? monitoring.alerts : [];
  const out: AlertSpec[] = [];
  for (const a of list) {
    if (!isPlainObject(a)) continue;
    const x = a as Record<string, unknown>;
    if (typeof x.name !== 'string' || typeof x.metric !== 'string' || !METRIC_NAME.test(x.metric)) continue;
    if (typeof x.op !== 'string' || typeof x.threshold !== 'number') continue;
    out.push({
      name: x.name,
      metric: x.metric,
      ...(typeof x.quantile === 'number' ? { quantile: x.quantile } : {}),
      op: x.op,
      threshold: x.threshold,
      forSeconds: durationSeconds(x.for),
      ...(typeof x.severity === 'string' ? { severity: x.severity } : {}),
    });
  }
  return out;
}

function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

export function alertExpr(a: AlertSpec): string {
  const series =
    a.quantile !== undefined
      ? `histogram_quantile(${a.quantile}, sum by (le) (rate(${a.metric}_bucket[${RATE_WINDOW}])))`
      : a.metric;
  return `${series} ${a.op} ${a.threshold}`;
}

function summary(project: string, env: string, a: AlertSpec): string {
  return `exportctl alert ${a.name} (${project}, ${env}): ${alertExpr(a)}`;
}

export function prometheusRules(project: string, env: string, alerts: readonly AlertSpec[]): string {
  return stringify({
    groups: [
      {
        name: `exportctl-${project}-${env}`,
        rules: alerts.map((a) => ({
          alert: a.name,
          expr: alertExpr(a),
          ...(a.forSeconds > 0 ? { for: duration(a.forSeconds) } : {}),
          labels: { project, environment: env, ...(a.severity ? { severity: a.severity } : {}) },
          annotations: { summary: summary(project, env, a) },
        })),
      },
    ],
  });
}

/** A value on each side of the comparison: [breaching, not breaching] (undefined: no such value). */
function sides(op: string, t: number): [number, number | undefined] {
  switch (op) {
    case '>':
      return [t + 1, t];
    case '>=':
      return [t, t - 1];
    case '<':
      return [t - 1, t];
    case '<=':
      return [t, t + 1];
    case '==':
      return [t, t + 1];
    default: // '!='
      return [t + 1, t];
  }
}

/** promtool series notation for `steps` + 1 samples of a gauge at `v`, or a counter rising by `step`. */
const flat = (v: number, steps: number) => `${v}x${steps}`;
const rising = (step: number, steps: number) => (step === 0 ? `0x${steps}` : `0+${step}x${steps}`);

/**
 * Histogram buckets whose quantile lies strictly above or below `t`: every observation lands
 * in one bucket, (t, 2t+1] or (0, t/2], and histogram_quantile interpolates inside it.
 */
function histogramSeries(metric: string, t: number, side: 'above' | 'below', steps: number) {
  const buckets: Array<[le: number, rate: number]> =
    side === 'above'
      ? [
          [t, 0],
          [2 * t + 1, 10],
        ]
      : [
          [t / 2, 10],
          [t, 10],
        ];
  return [
    ...buckets
      .filter(([le]) => le > 0)
      .map(([le, r]) => ({ series: `${metric}_bucket{le="${le}"}`, values: rising(r, steps) })),
    { series: `${metric}_bucket{le="+Inf"}`, values: rising(10, steps) },
  ];
}

/** Input series with the alert's value on the breaching side (or not); undefined: none can be made. */
function inputSeries(a: AlertSpec, breaching: boolean, steps: number) {
  if (a.quantile === undefined) {
    const [breach, calm] = sides(a.op, a.threshold);
    const v = breaching ? breach : calm;
    return v === undefined ? undefined : [{ series: a.metric, values: flat(v, steps) }];
  }
  const up = a.op === '>' || a.op === '>=';
  const down = a.op === '<' || a.op === '<=';
  if (!up && !down) return undefined;
  const side = up === breaching ? 'above' : 'below';
  if (side === 'below' && a.threshold <= 0) return undefined;
  return histogramSeries(a.metric, a.threshold, side, steps);
}

/**
 * The promtool test suite for `rulesFile`: per alert, one test where the series breach the
 * threshold (not firing one minute before `for` has passed, firing after it), one where
 * they do not (silent). Histogram quantiles need two samples before `rate` has a value.
 */
export function prometheusRuleTests(
  rulesFile: string,
  project: string,
  env: string,
  alerts: readonly AlertSpec[],
): string {
  const tests: unknown[] = [];
  for (const a of alerts) {
    const warm = a.quantile !== undefined ? 60 : 0;
    const fireAt = warm + a.forSeconds + 60;
    const steps = Math.ceil(fireAt / 60) + 2;
    const labels = {
      alertname: a.name,
      project,
      environment: env,
      ...(a.severity ? { severity: a.severity } : {}),
    };
    const checks: unknown[] = [];
    if (a.forSeconds >= 120)
      checks.push({ eval_time: duration(warm + a.forSeconds - 60), alertname: a.name, exp_alerts: [] });
    checks.push({
      eval_time: duration(fireAt),
      alertname: a.name,
      exp_alerts: [{ exp_labels: labels, exp_annotations: { summary: summary(project, env, a) } }],
    });
    const breach = inputSeries(a, true, steps);
    if (breach)
      tests.push({
        name: `${a.name} fires after its for`,
        interval: '1m',
        input_series: breach,
        alert_rule_test: checks,
      });
    const calm = inputSeries(a, false, steps);
    if (calm) {
      tests.push({
        name: `${a.name} stays silent on the other side of ${a.threshold}`,
        interval: '1m',
        input_series: calm,
        alert_rule_test: [{ eval_time: duration(fireAt), alertname: a.name, exp_alerts: [] }],
      });
    }
  }
  return stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests });
}
