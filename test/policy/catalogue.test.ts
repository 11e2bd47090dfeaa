import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../src/policy/builtin.js';
import { runRuleFixtures } from '../../src/policy/fixtures.js';

/** Documented rules (docs/reference.md#rules) this engine owns (deps/, drift/, terraform/, plan/ come with their issues). */
const DOCUMENTED_RULES = [
  'schema/invalid',
  'yaml/syntax',
  'server/port-range',
  'server/port-conflict',
  'timeouts/bounds',
  'timeouts/ordering',
  'database/pool-bounds',
  'database/pool-capacity',
  'database/pool-vs-workers',
  'export/chunk-size',
  'export/queue-capacity',
  'export/row-cap',
  'export/rate-limit',
  'export/disk-breaker',
  'export/encoding',
  'export/incremental-cursor',
  'export/output-path',
  'probes/liveness-after-readiness',
  'monitoring/required-alerts',
  'monitoring/alert-window',
  'security/plaintext-secret',
  'security/bind-all-unauthenticated',
  'waiver/expired',
];
const DOCUMENTED_WARNINGS = new Set([
  'timeouts/bounds',
  'database/pool-vs-workers',
  'export/chunk-size',
  'probes/liveness-after-readiness',
  'monitoring/alert-window',
]);

describe('the built-in catalogue', () => {
  const builtin = builtinRules();

  it('loads without problems', () => {
    expect(builtin.findings).toEqual([]);
  });

  it('has every documented rule of its groups, with its documented default severity', () => {
    for (const id of DOCUMENTED_RULES) {
      const rule = builtin.registry.get(id);
      expect(rule, id).toBeDefined();
      expect(rule?.severity, id).toBe(DOCUMENTED_WARNINGS.has(id) ? 'warning' : 'error');
    }
  });

  it('gives every rule a description and every built-in pack rule a rationale', () => {
    for (const r of builtin.registry.all()) {
      expect(r.description.length, r.id).toBeGreaterThan(10);
      expect(r.group, r.id).toBe(r.id.split('/')[0]);
      if (r.engine !== 'stage') expect(r.rationale, r.id).toBeTruthy();
      else expect(r.examples?.fail && r.examples?.pass, r.id).toBeTruthy();
    }
  });

  it('has a pass and a fail fixture for every evaluable rule, and all of them hold', () => {
    for (const r of builtin.packRules) {
      expect(r.tests.pass.length, `${r.id} pass fixtures`).toBeGreaterThan(0);
      expect(r.tests.fail.length, `${r.id} fail fixtures`).toBeGreaterThan(0);
    }
    const failed = runRuleFixtures(builtin.packRules).filter((x) => !x.ok);
    expect(failed).toEqual([]);
  });

  it('points every fail fixture finding at a config path', async () => {
    const { buildRuleInputs } = await import('../../src/policy/evaluate.js');
    for (const r of builtin.packRules) {
      for (const f of r.tests.fail) {
        const input = buildRuleInputs(
          Object.entries(f.envs).map(([env, config]) => ({
            env,
            protected: env === f.env && f.protected,
            config,
          })),
          { name: 'p', reference: f.env, environments: {} },
        ).get(f.env)!;
        const out = r.evaluate!(input);
        if (r.envs && !r.envs.includes(f.env)) continue;
        for (const v of out.violations) expect(v.path, `${r.id}: ${v.message}`).toBeTruthy();
      }
    }
  });

  it('never echoes a secret in security/plaintext-secret messages', async () => {
    const rule = builtin.registry.get('security/plaintext-secret')!;
    const { buildRuleInputs } = await import('../../src/policy/evaluate.js');
    for (const f of rule.tests.fail) {
      const input = buildRuleInputs([{ env: 'test', protected: false, config: f.config }], {
        name: 'p',
        reference: 'test',
        environments: { test: { protected: false } },
      }).get('test')!;
      const out = rule.evaluate!(input);
      expect(out.violations.length).toBeGreaterThan(0);
      for (const v of out.violations) {
        expect(v.path).toBeTruthy();
        for (const secret of ['hunter2', 's3cret', 'abc123']) expect(v.message).not.toContain(secret);
      }
    }
  });
});
