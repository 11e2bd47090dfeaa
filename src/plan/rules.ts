/** The rules `plan` and `plan-check` produce on a Terraform plan (check-plan.ts). */
import { type StageRule, stageRule } from '../rules/meta.js';

export const RULE_PROTECTED_DESTROY = 'plan/protected-destroy';
export const RULE_REQUIRED_TAGS = 'plan/required-tags';

export const PLAN_RULES: readonly StageRule[] = [
  stageRule({
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
  }),
  stageRule({
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
  }),
];
