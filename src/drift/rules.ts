/**
 * Metadata of the drift rules, as plain data: id, default severity, description, rationale,
 * pass/fail examples. The policy engine's registry (issue: policy) will read these so
 * `explain`, docs/rules.md and SARIF's rule table come from one source; until then the
 * drift stage takes its default severities from here.
 */
import type { Severity } from '../diagnostics/finding.js';

export interface DriftRuleMeta {
  id: string;
  severity: Severity;
  /** Whether `policies.rules` may change the severity or turn the rule off. */
  configurable: boolean;
  /** One sentence: what the rule demands. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** A project (manifest and overlays, as YAML) that passes and one that fails. */
  examples: { pass: string; fail: string };
}

export const DRIFT_UNEXPECTED = 'drift/unexpected';
export const DRIFT_MISSING = 'drift/missing';
export const DRIFT_REDUNDANT_OVERRIDE = 'drift/redundant-override';
export const DRIFT_UNUSED_ALLOW = 'drift/unused-allow';

export const DRIFT_RULES: readonly DriftRuleMeta[] = [
  {
    id: DRIFT_UNEXPECTED,
    severity: 'error',
    configurable: true,
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
  },
  {
    id: DRIFT_MISSING,
    severity: 'error',
    configurable: true,
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
  },
  {
    id: DRIFT_REDUNDANT_OVERRIDE,
    severity: 'warning',
    configurable: true,
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
  },
  {
    id: DRIFT_UNUSED_ALLOW,
    severity: 'warning',
    configurable: true,
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
  },
];

const BY_ID = new Map(DRIFT_RULES.map((r) => [r.id, r]));

export function driftRule(id: string): DriftRuleMeta {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown drift rule ${id}`);
  return r;
}
