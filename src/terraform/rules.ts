/**
 * The rules synth produces (docs/reference.md#terraform) (synth.ts, build-stack.ts, identical-environments.ts). Deployed
 * state's `drift/state` is declared with the other drift rules (drift/rules.ts), the plan
 * rules in plan/rules.ts.
 */
import { type StageRule, stageRule } from '../rules/meta.js';

export const RULE_IDENTICAL = 'terraform/identical-environments';
export const RULE_UNSUPPORTED = 'terraform/unsupported';

export const TERRAFORM_RULES: readonly StageRule[] = [
  stageRule({
    id: RULE_IDENTICAL,
    severity: 'error',
    configurable: true,
    description:
      'The synthesized stacks of the environments differ in anything other than what drift.allow permits or the environment name: a resource address present in some stacks only, or an attribute whose difference traces to a config path that is not allowed to drift.',
    rationale:
      'Staging is only a rehearsal of production if it runs the same infrastructure. Checking the Terraform output, not just the config, also catches differences introduced by synth itself.',
    examples: {
      fail: '# config/envs/dev.yaml\ninfrastructure:\n  storage: { retention_days: 1 }   # no drift.allow entry covers it\n',
      pass: '# exportctl.yaml\ndrift:\n  allow:\n    - path: infrastructure.storage.retention_days\n      envs: [dev]\n      reason: dev keeps exports one day\n',
    },
  }),
  stageRule({
    id: RULE_UNSUPPORTED,
    severity: 'error',
    configurable: false,
    description:
      'The config asks synth for something Terraform cannot express: an instance without ami or type, a database without version or class, a CloudWatch alarm comparing with == or !=, a tag that holds a secret.',
    rationale:
      'Synth refuses rather than emit a stack that would fail at plan time or leak a secret into state.',
    examples: {
      fail: 'monitoring:\n  alerts:\n    - { name: Stuck, metric: export_queue_length, op: "==", threshold: 0 }\n',
      pass: 'monitoring:\n  alerts:\n    - { name: Stuck, metric: export_queue_length, op: "<=", threshold: 0 }\n',
    },
  }),
];
