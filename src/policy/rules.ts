/**
 * The rules the policy engine itself produces: a pack that cannot be used (pack/load-pack.ts),
 * a rule that fails while evaluating (evaluate.ts), and the manifest's rule controls
 * (controls.ts: severity overrides, waivers). They have no fixtures; test/policy covers them,
 * and `explain` shows these examples. The rules of the packs are in policies/*.yaml.
 */
import { type StageRule, stageRule } from '../rules/meta.js';

export const POLICY_RULES: readonly StageRule[] = [
  stageRule({
    id: 'policy/invalid',
    severity: 'error',
    configurable: false,
    description:
      'A policy pack cannot be used: a CEL expression does not parse or type-check, a rule id is defined twice, or a native rule is unknown.',
    rationale:
      'A broken rule would silently check nothing. It is reported where it is written, when the pack loads, and stops the check (exit 2).',
    examples: {
      fail: 'rules:\n  - id: team/port\n    severity: error\n    description: Port above 1024.\n    assert: server.port > "1024"   # int compared with string\n    message: too low\n',
      pass: 'rules:\n  - id: team/port\n    severity: error\n    description: Port above 1024.\n    assert: server.port > 1024\n    message: too low\n',
    },
  }),
  stageRule({
    id: 'policy/evaluation-error',
    severity: 'error',
    configurable: true,
    description:
      'A policy rule failed while evaluating on an environment (missing key, wrong type at run time, budget exceeded).',
    rationale:
      'A rule that errors has not checked anything. Guard optional fields with `has()` in `match`. Evaluation is bounded in cost, memory and time (per evaluation and per pack, see docs/policies.md), so a pathological rule fails here instead of hanging the check.',
    examples: {
      fail: 'assert: duration(probes.liveness.timeout) < duration("5s")   # probes.liveness may be absent\n',
      pass: 'match: has(probes.liveness.timeout)\nassert: duration(probes.liveness.timeout) < duration("5s")\n',
    },
  }),
  stageRule({
    id: 'policy/override-invalid',
    severity: 'warning',
    configurable: true,
    description:
      'The manifest overrides the severity of a rule that no pack defines, or of one that cannot be changed (yaml/syntax, io/read, schema/invalid, policy/invalid).',
    rationale:
      'A typo in `policies.rules` would otherwise leave the intended rule at its default severity without a word.',
    examples: {
      fail: 'policies:\n  rules:\n    export/chunk-sise: error   # no such rule\n',
      pass: 'policies:\n  rules:\n    export/chunk-size: error\n',
    },
  }),
  stageRule({
    id: 'waiver/expired',
    severity: 'error',
    configurable: true,
    description: 'A waiver is past its `expires` date; it no longer waives anything.',
    rationale:
      'Waivers are debts with a due date. When it passes, the waived findings come back and the waiver itself is reported so it is renewed with a reason or removed.',
    examples: {
      fail: 'waivers:\n  - rule: export/chunk-size\n    env: dev\n    reason: load test\n    expires: 2020-01-01\n',
      pass: 'waivers:\n  - rule: export/chunk-size\n    env: dev\n    reason: load test\n    expires: 9999-12-31\n',
    },
  }),
  stageRule({
    id: 'waiver/unused',
    severity: 'warning',
    configurable: true,
    fixable: 'safe',
    description: 'A waiver matched no finding (the problem was fixed, or its rule, env or path is wrong).',
    rationale:
      'A waiver that waives nothing is either stale or mistyped; either way it would hide a future finding nobody meant to accept.',
    examples: {
      fail: 'waivers:\n  - rule: export/chunk-size\n    env: prod        # prod has no chunk-size finding\n    reason: load test\n',
      pass: 'waivers:\n  - rule: export/chunk-size\n    env: dev\n    path: export.chunk_size\n    reason: load test\n',
    },
  }),
];
