/**
 * One identity for a finding (`findingKey`): rule, severity, position, config path, message,
 * and the environment it is counted in. Check's deduplication, deps' and the reports' merging
 * across environments all use it; the SARIF fingerprint deliberately leaves the line out.
 */
import { describe, expect, it } from 'vitest';
import { type Finding, findingKey } from '../../src/diagnostics/finding.js';
import { mergeAcrossEnvs } from '../../src/report/merge.js';

const at = { file: '/p/config/base.yaml', line: 4, column: 3, endLine: 4, endColumn: 9 };
const base: Finding = {
  rule: 'server/port-range',
  severity: 'error',
  message: 'port 70000 is out of range',
  path: 'server.port',
  location: at,
};

describe('findingKey', () => {
  it('counts a finding in its own environment, in none across environments', () => {
    const dev = { ...base, env: 'dev' };
    expect(findingKey(dev)).not.toBe(findingKey({ ...base, env: 'prod' }));
    expect(findingKey(dev)).not.toBe(findingKey(base));
    const across = { acrossEnvs: true };
    expect(findingKey(dev, across)).toBe(findingKey({ ...base, env: 'prod' }, across));
    expect(findingKey(dev, across)).toBe(findingKey(base));
  });

  it('every field of the identity tells two findings apart', () => {
    const variants: Finding[] = [
      { ...base, rule: 'server/other' },
      { ...base, severity: 'warning' },
      { ...base, location: { ...at, file: '/p/config/envs/dev.yaml' } },
      { ...base, location: { ...at, line: 5 } },
      { ...base, location: { ...at, column: 4 } },
      { ...base, path: 'server.admin_port' },
      { ...base, message: 'port 70001 is out of range' },
      { ...base, env: 'dev' },
    ];
    const keys = new Set([findingKey(base), ...variants.map((v) => findingKey(v))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('fields cannot run into each other (a separator no text holds)', () => {
    const a = { ...base, path: 'a', message: 'b|c' };
    const b = { ...base, path: 'a|b', message: 'c' };
    expect(findingKey(a)).not.toBe(findingKey(b));
  });
});

describe('reports merge a finding across environments by the same identity', () => {
  it('one item for the same problem in dev and prod; two when the severity differs', () => {
    const items = mergeAcrossEnvs([
      { ...base, env: 'dev' },
      { ...base, env: 'prod' },
      { ...base, env: 'staging', severity: 'warning' },
    ]);
    expect(items.map((i) => [i.finding.severity, i.envs])).toEqual([
      ['error', ['dev', 'prod']],
      ['warning', ['staging']],
    ]);
  });

  it('a base list item at another index in one environment is not merged under the wrong path', () => {
    const items = mergeAcrossEnvs([
      { ...base, path: 'monitoring.alerts[1].for', env: 'dev' },
      { ...base, path: 'monitoring.alerts[2].for', env: 'prod' },
    ]);
    expect(items.map((i) => [i.finding.path, i.envs])).toEqual([
      ['monitoring.alerts[1].for', ['dev']],
      ['monitoring.alerts[2].for', ['prod']],
    ]);
  });
});
