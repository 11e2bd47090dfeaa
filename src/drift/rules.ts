/**
 * Metadata of the drift rules: id, default severity, description, rationale, pass/fail
 * examples. They are registered in the policy registry among the rules other stages
 * produce (`src/policy/stage-rules.ts`), so `explain`, docs/rules.md, severity overrides,
 * waivers and SARIF's rule table know them; the drift stage takes its default severities
 * from here.
 *
 * They are not native policy rules: they need what a rule's input does not carry (the
 * manifest's `drift.allow`, each overlay beside the base, provenance), and `drift/unused-allow`
 * concerns the project, not one environment.
 */
import type { Rule } from '../policy/rule.js';

type DriftRuleMeta = Pick<Rule, 'id' | 'severity' | 'description' | 'rationale'> & {
  examples: { pass: string; fail: string };
};

function driftStageRule(r: DriftRuleMeta): Rule {
  return {
    ...r,
    group: 'drift',
    engine: 'stage',
    origin: 'builtin',
    configurable: true,
    tests: { pass: [], fail: [] },
  };
}

export const DRIFT_UNEXPECTED = 'drift/unexpected';
export const DRIFT_MISSING = 'drift/missing';
export const DRIFT_REDUNDANT_OVERRIDE = 'drift/redundant-override';
export const DRIFT_UNUSED_ALLOW = 'drift/unused-allow';

export const DRIFT_RULES: readonly Rule[] = [
  driftStageRule({
    id: DRIFT_UNEXPECTED,
    severity: 'error',
    description:
      'A value differs from the reference environment at a path that no `drift.allow` entry covers.',
    rationale:
      'Environments should differ only where someone decided they should. A value that differs by accident (a timeout tuned in staging and never carried to prod) makes the tested environment a different system from the one in production. Items of named lists are compared by `name`, and a value that differs only by the environment’s own name (`orders-dev` vs `orders-prod`) is not a difference.',
    examples: {
      fail: [
        '# exportctl.yaml: reference: prod, no drift.allow',
        '# config/envs/dev.yaml',
        'server:',
        '  timeout: 10s      # prod keeps the base 30s',
      ].join('\n'),
      pass: [
        '# exportctl.yaml',
        'drift:',
        '  allow:',
        '    - path: server.timeout',
        '      envs: [dev]',
        '      reason: fail fast while developing',
        '# config/envs/dev.yaml',
        'server:',
        '  timeout: 10s',
      ].join('\n'),
    },
  }),
  driftStageRule({
    id: DRIFT_MISSING,
    severity: 'error',
    description: 'A key exists in some environments and not in others.',
    rationale:
      'A section present only in the reference (alerts, a probe, a limit) is protection the other environments never exercise; a key present only outside the reference is behaviour production does not have. Either way the environments stop being the same system. Allow it in `drift.allow` when intended.',
    examples: {
      fail: [
        '# config/envs/prod.yaml (the reference)',
        'notifications:',
        '  email: [ops@example.com]   # dev and staging have no notifications',
      ].join('\n'),
      pass: [
        '# config/base.yaml',
        'notifications:',
        '  email: [ops@example.com]   # every environment has them',
      ].join('\n'),
    },
  }),
  driftStageRule({
    id: DRIFT_REDUNDANT_OVERRIDE,
    severity: 'warning',
    description: 'An overlay sets a value equal to the base (or deletes a key the base does not have).',
    rationale:
      'An override that restates the base changes nothing today, but it pins that environment: when the base changes, this environment silently keeps the old value and drifts. Overlays should hold only what differs.',
    examples: {
      fail: [
        '# config/base.yaml: server.timeout: 30s',
        '# config/envs/prod.yaml',
        'server:',
        '  timeout: 30s',
      ].join('\n'),
      pass: [
        '# config/base.yaml: server.timeout: 30s',
        '# config/envs/prod.yaml',
        'server:',
        '  timeout: 60s',
      ].join('\n'),
    },
  }),
  driftStageRule({
    id: DRIFT_UNUSED_ALLOW,
    severity: 'warning',
    description:
      'A `drift.allow` entry covers no difference between the environments it names and the reference.',
    rationale:
      'An allowance that covers nothing is stale (the difference was removed) or mistyped (its path or envs are wrong); either way it would silently accept a future difference nobody reviewed.',
    examples: {
      fail: [
        'drift:',
        '  allow:',
        '    - path: server.hots        # typo: covers nothing',
        '      reason: loopback in dev',
      ].join('\n'),
      pass: ['drift:', '  allow:', '    - path: server.host', '      reason: loopback in dev'].join('\n'),
    },
  }),
];

const BY_ID = new Map(DRIFT_RULES.map((r) => [r.id, r]));

export function driftRule(id: string): Rule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown drift rule ${id}`);
  return r;
}
