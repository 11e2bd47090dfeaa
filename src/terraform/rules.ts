/**
 * Metadata of the Terraform rules (SPEC §2), as plain data in the shape of the policy
 * registry's stage rules, so `explain`, docs and SARIF can list them.
 */
import type { Severity } from '../diagnostics/finding.js';

export const RULE_IDENTICAL = 'terraform/identical-environments';
export const RULE_UNSUPPORTED = 'terraform/unsupported';
export const RULE_PROBE_NOT_DEPLOYABLE = 'terraform/probe-not-deployable';
export const RULE_WILDCARD_IAM = 'terraform/wildcard-iam';
export const RULE_PROTECTED_DESTROY = 'plan/protected-destroy';
export const RULE_REQUIRED_TAGS = 'plan/required-tags';
export const RULE_STATE_DRIFT = 'drift/state';

export interface TerraformRuleMeta {
  id: string;
  severity: Severity;
  /** Whether the manifest may change the severity or turn the rule off. */
  configurable: boolean;
  description: string;
  rationale: string;
  examples: { pass?: string; fail?: string };
}

export const TERRAFORM_RULES: TerraformRuleMeta[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    id: RULE_PROTECTED_DESTROY,
    severity: 'error',
    configurable: true,
    description:
      'A Terraform plan deletes, replaces (delete then create, or create then delete) or forgets a resource of a protected environment.',
    rationale:
      'Replacing a production database or bucket loses data; a plan that does so must be seen and waived explicitly, not applied by a pipeline.',
    examples: {
      fail: '"resource_changes": [{ "address": "aws_db_instance.postgres", "change": { "actions": ["delete", "create"] } }]\n',
      pass: '"resource_changes": [{ "address": "aws_db_instance.postgres", "change": { "actions": ["update"] } }]\n',
    },
  },
  {
    id: RULE_REQUIRED_TAGS,
    severity: 'error',
    configurable: true,
    description:
      'A taggable resource that the plan creates or updates lacks the Environment or Project tag (in tags_all where the provider reports it; values unknown until apply do not count as missing).',
    rationale:
      'Untagged resources escape cost reports, ownership lookups and the clean-up of an environment.',
    examples: {
      fail: '"after": { "tags_all": { "Project": "orders-export" } }   # no Environment\n',
      pass: '"after": { "tags_all": { "Project": "orders-export", "Environment": "prod" } }\n',
    },
  },
  {
    id: RULE_STATE_DRIFT,
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
  },
];
