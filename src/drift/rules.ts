/**
 * The drift rules: the drift stage of `check` (`DRIFT_RULES`, from project-drift.ts) and
 * `drift --state` (`STATE_DRIFT_RULES`, from terraform/state-drift.ts). The stages take their
 * default severities from here; `explain`, docs/rules.md, severity overrides, waivers and
 * SARIF's rule table read them from the rule registry.
 *
 * They are not native policy rules: they need what a rule's input does not carry (the
 * manifest's `drift.allow`, each overlay beside the base, provenance, deployed state), and
 * `drift/unused-allow` concerns the project, not one environment.
 */
import { type StageRule, stageRule } from '../rules/meta.js';

export const DRIFT_UNEXPECTED = 'drift/unexpected';
export const DRIFT_MISSING = 'drift/missing';
export const DRIFT_REDUNDANT_OVERRIDE = 'drift/redundant-override';
export const DRIFT_UNUSED_ALLOW = 'drift/unused-allow';
export const DRIFT_STATE = 'drift/state';

export const DRIFT_RULES: readonly StageRule[] = [
  stageRule({
    configurable: true,
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
  stageRule({
    configurable: true,
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
  stageRule({
    configurable: true,
    id: DRIFT_REDUNDANT_OVERRIDE,
    fixable: 'safe',
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
  stageRule({
    configurable: true,
    id: DRIFT_UNUSED_ALLOW,
    fixable: 'safe',
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

export const STATE_DRIFT_RULES: readonly StageRule[] = [
  stageRule({
    id: DRIFT_STATE,
    severity: 'error',
    configurable: true,
    description:
      'Deployed Terraform state differs from what synth produces for the environment: a differing attribute, a resource missing from the state, or a resource in the state that the config does not declare.',
    rationale:
      'A manual change in the console is undone by the next apply, or worse, silently kept; either way the config no longer describes production.',
    examples: {
      fail: '# state: aws_instance.app[0].instance_type = "t3.large", config says t3.medium\n',
      pass: '# state and config agree on every declared attribute\n',
    },
  }),
];

const BY_ID = new Map(DRIFT_RULES.map((r) => [r.id, r]));

export function driftRule(id: string): StageRule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown drift rule ${id}`);
  return r;
}
