/**
 * The rule model: one metadata shape for every rule exportctl reports, as ESLint's `meta`.
 * A CEL or native rule of a pack carries runnable pass/fail fixtures; a rule that a stage
 * produces (the loader, the schema validator, drift, deps, Terraform, plan, rule controls)
 * carries pass/fail examples as text. Each stage declares its rules in its own `rules.ts`
 * with `stageRule`; `explain`, docs/rules.md, SARIF's rule table and the manifest's rule
 * controls read them all from one `RuleRegistry` (registry.ts).
 *
 * This module is the bottom of the rule layer: it imports nothing but the finding type, so
 * every stage can declare its rules without importing the policy engine or `check`.
 */
import type { Severity, SourceRange } from '../diagnostics/finding.js';

/** How a rule is implemented: a CEL pack rule, native TypeScript, or produced by a stage. */
export type RuleEngine = 'cel' | 'native' | 'stage';

/** Shipped with exportctl, or from a project's local pack. */
export type RuleOrigin = 'builtin' | 'local';

/** One pass or fail example run by `exportctl policy test`. */
export interface RuleFixture {
  /** The effective config the rule sees (plain values): the fixture alone, not merged onto anything. */
  config: Record<string, unknown>;
  /** Name of the environment (default: the rule's first scoped env, else `test`). */
  env: string;
  protected: boolean;
  /** Every environment's config for cross-environment rules (includes `env`). */
  envs: Record<string, Record<string, unknown>>;
  /** Where the fixture is written. */
  location?: SourceRange;
  /** The fixture as written (for `explain`). */
  source: unknown;
}

export interface RuleMeta {
  /** `group/name`, stable: users write it in waivers, overrides and CI scripts. */
  id: string;
  group: string;
  severity: Severity;
  /** One sentence: what the rule demands. */
  description: string;
  /** Why it matters. */
  rationale?: string;
  engine: RuleEngine;
  origin: RuleOrigin;
  /** Whether the manifest may change the severity or turn the rule off. */
  configurable: boolean;
  /** Only these environments (default all). */
  envs?: string[];
  /** Only protected environments. */
  protectedOnly?: boolean;
  /** Where the rule is defined (its `id` in a pack). */
  location?: SourceRange;
  /** Runnable fixtures (CEL and native rules; empty for stage rules). */
  tests: { pass: RuleFixture[]; fail: RuleFixture[] };
  /** Examples as text, for rules a stage produces (no fixtures). */
  examples?: { pass?: string; fail?: string };
  /** As ESLint's `meta.fixable`: `safe` findings carry an edit `check --fix` applies;
   * `suggestion` findings carry candidate edits a human chooses (never applied). */
  fixable?: RuleFixable;
}

export type RuleFixable = 'safe' | 'suggestion';

/** What a stage writes to declare one of its rules; `stageRule` fills in the rest. */
export interface StageRuleDeclaration {
  id: string;
  severity: Severity;
  configurable: boolean;
  description: string;
  rationale: string;
  /** Only protected environments. */
  protectedOnly?: boolean;
  /** Whether its findings carry a safe fix or suggestions (as ESLint's `meta.fixable`). */
  fixable?: RuleFixable;
  /** Text that fires the rule (`fail`) and text that does not (`pass`). */
  examples: { pass: string; fail: string };
}

/** A built-in rule a stage produces: the one meta shape, with both text examples. */
export type StageRule = RuleMeta & { engine: 'stage'; examples: { pass: string; fail: string } };

export function ruleGroup(id: string): string {
  return id.split('/')[0];
}

/** The metadata of a rule a stage produces (built in, no fixtures: its stage's tests cover it). */
export function stageRule(d: StageRuleDeclaration): StageRule {
  const { protectedOnly, fixable, ...rest } = d;
  return {
    ...rest,
    ...(fixable ? { fixable } : {}),
    group: ruleGroup(d.id),
    engine: 'stage',
    origin: 'builtin',
    ...(protectedOnly ? { protectedOnly: true } : {}),
    tests: { pass: [], fail: [] },
  };
}

/** Whether a rule runs on an environment (its `envs` scope and `protected_only`). */
export function ruleApplies(rule: RuleMeta, env: string, isProtected: boolean): boolean {
  if (rule.envs && rule.envs.length > 0 && !rule.envs.includes(env)) return false;
  if (rule.protectedOnly && !isProtected) return false;
  return true;
}
