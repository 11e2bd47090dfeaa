/**
 * The rules on a Terraform plan (`terraform show -json` output): `plan/protected-destroy`
 * and `plan/required-tags`. Findings point at the resource's entry in the plan file.
 */
import type { Finding } from '../diagnostics/finding.js';
import { escapeRegExp } from '../config/path.js';
import { locateInJson } from '../terraform/flatten.js';
import { RULE_PROTECTED_DESTROY, RULE_REQUIRED_TAGS } from './rules.js';
import type { PlanJson, ResourceChange } from './plan-json.js';

export const REQUIRED_TAGS = ['Environment', 'Project'] as const;

export interface PlanCheckInput {
  plan: PlanJson;
  /** Absolute path of the plan JSON file, and its text (to locate resources in it). */
  file: string;
  text: string;
  env: string;
  protected: boolean;
}

export function checkPlan(input: PlanCheckInput): Finding[] {
  const findings: Finding[] = [];
  const at = (rc: ResourceChange) =>
    locateInJson(
      input.file,
      input.text,
      new RegExp(`"address"\\s*:\\s*${escapeRegExp(JSON.stringify(rc.address))}`),
    );
  for (const rc of input.plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const destroy = destroyKind(rc.change.actions);
    if (destroy && input.protected) {
      const why = rc.change.replace_paths?.length
        ? ` (forced by ${rc.change.replace_paths.map((p) => p.join('.')).join(', ')})`
        : '';
      findings.push({
        rule: RULE_PROTECTED_DESTROY,
        severity: 'error',
        message: `plan ${destroy} ${rc.address} in protected environment ${input.env}${why}`,
        env: input.env,
        location: at(rc),
      });
    }
    const missing = missingTags(rc);
    if (missing.length > 0) {
      findings.push({
        rule: RULE_REQUIRED_TAGS,
        severity: 'error',
        message: `${rc.address} lacks the ${missing.join(' and ')} tag${missing.length > 1 ? 's' : ''}`,
        env: input.env,
        location: at(rc),
      });
    }
  }
  return findings;
}

/** How a change destroys the resource, in words, or undefined when it does not. */
export function destroyKind(actions: readonly string[]): string | undefined {
  const a = actions.join(',');
  if (a === 'delete') return 'deletes';
  if (a === 'delete,create') return 'replaces (delete, then create)';
  if (a === 'create,delete') return 'replaces (create, then delete)';
  if (a === 'forget') return 'forgets (removes from state without destroying)';
  if (actions.includes('delete')) return 'deletes';
  return undefined;
}

/**
 * Required tags a created or updated taggable resource lacks. Taggable = its planned values
 * have `tags` or `tags_all`; `tags_all` (provider default tags included) wins where present.
 * A map or a tag unknown until apply is not missing.
 */
export function missingTags(rc: ResourceChange): string[] {
  const { actions, after } = rc.change;
  if (!after || !(actions.includes('create') || actions.includes('update'))) return [];
  const unknown = (rc.change.after_unknown ?? {}) as Record<string, unknown>;
  const field =
    'tags_all' in after || 'tags_all' in unknown
      ? 'tags_all'
      : 'tags' in after || 'tags' in unknown
        ? 'tags'
        : undefined;
  if (!field) return [];
  const u = unknown[field];
  if (u === true) return [];
  const tags = (after[field] ?? {}) as Record<string, unknown>;
  const unknownTags = (typeof u === 'object' && u !== null ? u : {}) as Record<string, unknown>;
  return REQUIRED_TAGS.filter(
    (t) => unknownTags[t] !== true && (typeof tags[t] !== 'string' || tags[t] === ''),
  );
}
