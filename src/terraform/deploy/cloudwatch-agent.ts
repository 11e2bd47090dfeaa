/**
 * The CloudWatch agent's config: scrape the service's Prometheus endpoint and publish the
 * series as embedded-metric-format log events into the namespace and dimensions
 * (`Project`, `Environment`) the stack's alarms watch; host disk usage goes to the same
 * namespace through PutMetricData. Shapes follow
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-PrometheusEC2.html
 * and https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html.
 *
 * The agent drops Prometheus histograms (it supports counters, gauges and summaries:
 * .../ContainerInsights-Prometheus-metrics-conversion.html); an alert on a histogram metric
 * is still written to the Prometheus rules, and its CloudWatch alarm sees no data.
 */
import { stringify } from 'yaml';
import type { ServiceDeployment } from './deployment.js';
import { AGENT_CONFIG_FILE, AGENT_PROMETHEUS_FILE } from './layout.js';

/** The Prometheus scrape config the agent reads: one job, labelled with the alarms' dimensions. */
export function agentPrometheusConfig(d: ServiceDeployment): string {
  if (!d.metrics) return '';
  return stringify({
    global: { scrape_interval: '1m', scrape_timeout: '10s' },
    scrape_configs: [
      {
        job_name: 'exportctl',
        metrics_path: d.metrics.path,
        static_configs: [
          {
            targets: [`127.0.0.1:${d.metrics.port}`],
            labels: { Project: d.project, Environment: d.env },
          },
        ],
      },
    ],
  });
}

export function agentConfig(d: ServiceDeployment, metricNames: string[]): Record<string, unknown> {
  const selectors = [...new Set(metricNames)].sort().map((m) => `^${m.replace(/[^A-Za-z0-9_:]/g, '')}$`);
  return {
    agent: { region: d.region, metrics_collection_interval: 60 },
    metrics: {
      namespace: d.namespace,
      append_dimensions: {},
      metrics_collected: { disk: { measurement: ['used_percent'], resources: ['/'] } },
    },
    ...(d.metrics
      ? {
          logs: {
            metrics_collected: {
              prometheus: {
                log_group_name: d.logGroup,
                prometheus_config_path: AGENT_PROMETHEUS_FILE,
                emf_processor: {
                  metric_declaration_dedup: true,
                  metric_namespace: d.namespace,
                  metric_declaration: [
                    {
                      source_labels: ['job'],
                      label_matcher: '^exportctl$',
                      dimensions: [['Project', 'Environment']],
                      metric_selectors: selectors,
                    },
                  ],
                },
              },
            },
            force_flush_interval: 5,
          },
        }
      : {}),
  };
}

/** The command that (re)starts the agent with this config. */
export function startAgentCommand(): string[] {
  return [
    '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl',
    '-a',
    'fetch-config',
    '-m',
    'ec2',
    '-s',
    '-c',
    `file:${AGENT_CONFIG_FILE}`,
  ];
}
