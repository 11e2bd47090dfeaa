/**
 * The rules synth produces (docs/reference.md#terraform): synth.ts, build-stack.ts,
 * identical-environments.ts, the deployed-service checks. Deployed
 * state's `drift/state` is declared with the other drift rules (drift/rules.ts), the plan
 * rules in plan/rules.ts.
 */
import { type StageRule, stageRule } from '../rules/meta.js';

export const RULE_IDENTICAL = 'terraform/identical-environments';
export const RULE_UNSUPPORTED = 'terraform/unsupported';
export const RULE_PROBE_NOT_DEPLOYABLE = 'terraform/probe-not-deployable';
export const RULE_WILDCARD_IAM = 'terraform/wildcard-iam';

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
  stageRule({
    id: RULE_PROBE_NOT_DEPLOYABLE,
    severity: 'error',
    configurable: false,
    description:
      'A probe the deployed stack cannot run: a liveness or readiness path that `exportctl serve` does not serve (/healthz, /readyz), or a readiness probe the load balancer health check cannot express (period 5-300 s, timeout 2-120 s and shorter than the period, success and failure thresholds 2-10, whole numbers).',
    rationale:
      'The readiness probe is the target group health check that decides which instances get traffic and whether a rollout rolls back; one AWS rejects fails the apply, one on a path nobody serves takes every instance out of service.',
    examples: {
      fail: 'probes:\n  readiness: { path: /ready, period: 5s, timeout: 1s, failure_threshold: 3, success_threshold: 1 }\n',
      pass: 'probes:\n  readiness: { path: /readyz, period: 5s, timeout: 2s, failure_threshold: 3, success_threshold: 2 }\n',
    },
  }),
  stageRule({
    id: RULE_WILDCARD_IAM,
    severity: 'error',
    configurable: false,
    description:
      'A policy synth emits for the instances grants an action with a wildcard, or a `*` resource for an action that IAM can scope to resources, or a `*` resource without a condition.',
    rationale:
      'The instance role holds what a compromised instance can do; it gets its bucket prefix, its secrets and its metric namespace, nothing account-wide. This guards synth itself: a config cannot cause it.',
    examples: {
      fail: '{ "Action": ["s3:*"], "Resource": ["*"] }\n',
      pass: '{ "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::orders-exports-prod/deploy/*"] }\n',
    },
  }),
];
