/**
 * The alerts as Prometheus rules: `promtool check rules` accepts what synth writes, and the
 * generated `promtool test rules` suite passes (each alert fires after its `for` with the
 * series over the threshold, stays silent on the other side) — and fails against a rule
 * that means something else.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import {
  prometheusRules,
  prometheusRuleTests,
  readAlerts,
} from '../../src/terraform/deploy/prometheus-rules.js';
import { PROMETHEUS_RULES_FILE, PROMETHEUS_TESTS_FILE } from '../../src/terraform/synth.js';
import { synthProject } from '../../src/synth/synth-project.js';
import { EXAMPLE, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-prom-');
afterAll(() => tmp.cleanup());

function promtool(args: string[], cwd: string) {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`promtool (Debian's prometheus) is needed by this test: ${r.error.message}`);
  return { code: r.status, out: r.stdout + r.stderr };
}

function writeSuite(name: string, rules: string, tests: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rules.yml'), rules);
  writeFileSync(join(dir, 'rules.test.yml'), tests);
  return dir;
}

describe('Prometheus alerting rules from monitoring.alerts', () => {
  it('synth writes rules promtool accepts and a test suite that passes, for every environment', async () => {
    const { stacks } = await synthProject({ cwd: EXAMPLE });
    expect(stacks).toHaveLength(3);
    for (const s of stacks) {
      const rules = s.files[PROMETHEUS_RULES_FILE];
      const doc = parse(rules) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
      expect(doc.groups[0].rules).toEqual([
        expect.objectContaining({ alert: 'ExportQueueBacklog', expr: 'export_queue_length > 50', for: '5m' }),
        expect.objectContaining({
          alert: 'ExportSlow',
          expr: 'histogram_quantile(0.99, sum by (le) (rate(export_duration_seconds_bucket[5m]))) > 300',
          for: '10m',
        }),
      ]);
      const dir = writeSuite(s.env, rules, s.files[PROMETHEUS_TESTS_FILE]);
      const check = promtool(['check', 'rules', 'rules.yml'], dir);
      expect(check.out).toContain('SUCCESS: 2 rules found');
      expect(check.code).toBe(0);
      const test = promtool(['test', 'rules', 'rules.test.yml'], dir);
      expect(test.out).toContain('SUCCESS');
      expect(test.code).toBe(0);
      // Four tests: each alert above (fires) and at its threshold (silent).
      expect((parse(s.files[PROMETHEUS_TESTS_FILE]) as { tests: unknown[] }).tests).toHaveLength(4);
    }
  }, 120_000);

  it('covers every comparison, quantiles below a threshold, and alerts without for', () => {
    const alerts = readAlerts({
      monitoring: {
        alerts: [
          {
            name: 'Idle',
            metric: 'export_jobs_running',
            op: '<=',
            threshold: 0,
            for: '2m',
            severity: 'info',
          },
          { name: 'Busy', metric: 'export_jobs_running', op: '>=', threshold: 4, for: '3m' },
          { name: 'FastP50', metric: 'export_duration_seconds', quantile: 0.5, op: '<', threshold: 1 },
          { name: 'Exactly', metric: 'export_queue_length', op: '==', threshold: 7 },
          { name: 'NotZero', metric: 'export_failures_total', op: '!=', threshold: 0, for: '1m' },
        ],
      },
    });
    const dir = writeSuite(
      'ops',
      prometheusRules('p', 'dev', alerts),
      prometheusRuleTests('rules.yml', 'p', 'dev', alerts),
    );
    expect(promtool(['check', 'rules', 'rules.yml'], dir).code).toBe(0);
    const test = promtool(['test', 'rules', 'rules.test.yml'], dir);
    expect(test.out).toContain('SUCCESS');
    expect(test.code).toBe(0);
  }, 60_000);

  it('the generated suite fails against a rule with another threshold or a shorter for', () => {
    const [alert] = readAlerts({
      monitoring: {
        alerts: [{ name: 'Backlog', metric: 'export_queue_length', op: '>', threshold: 50, for: '5m' }],
      },
    });
    const tests = prometheusRuleTests('rules.yml', 'p', 'prod', [alert]);
    for (const [name, wrong] of [
      ['threshold', { ...alert, threshold: 49 }],
      ['for', { ...alert, forSeconds: 60 }],
    ] as const) {
      const dir = writeSuite(`wrong-${name}`, prometheusRules('p', 'prod', [wrong]), tests);
      const r = promtool(['test', 'rules', 'rules.test.yml'], dir);
      expect(r.code, r.out).not.toBe(0);
    }
  }, 60_000);
});
