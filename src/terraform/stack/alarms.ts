/** Alerts: an SNS topic, e-mail subscriptions, one CloudWatch alarm per `monitoring.alerts` entry. */
import { durationSeconds } from '../../config/units.js';
import { type ResourceSpec, type TfValue, ref } from '../model.js';
import type { StackContext } from './context.js';

/** Alarms evaluate one-minute periods; `for` becomes a number of them. */
const ALARM_PERIOD_SECONDS = 60;

const COMPARISON: Record<string, string | undefined> = {
  '>': 'GreaterThanThreshold',
  '>=': 'GreaterThanOrEqualToThreshold',
  '<': 'LessThanThreshold',
  '<=': 'LessThanOrEqualToThreshold',
};

export function buildAlarms(ctx: StackContext): ResourceSpec[] {
  const { project, env, config, unique } = ctx;
  const alerts = config.monitoring?.alerts ?? [];
  const emails = config.notifications?.email ?? [];
  if (alerts.length === 0 && emails.length === 0) return [];
  const resources: ResourceSpec[] = [];
  const t = ctx.tagSources();
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
  alerts.forEach((alert, i) => {
    const at = `monitoring.alerts[${i}]`;
    const comparison = COMPARISON[alert.op];
    if (!comparison) {
      ctx.unsupported(`${at}.op`, `CloudWatch alarms cannot compare with "${alert.op}"; use >, >=, < or <=`);
      return;
    }
    let name = `alert_${alert.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    while (used.has(name)) name += '_';
    used.add(name);
    const periods =
      typeof alert.for === 'string'
        ? Math.max(1, Math.ceil(durationSeconds(alert.for) / ALARM_PERIOD_SECONDS))
        : 1;
    const ta = ctx.tagSources();
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
        metric_name: alert.metric,
        dimensions: { Project: project, Environment: env },
        ...statistic,
        comparison_operator: comparison,
        threshold: alert.threshold,
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
  return resources;
}
