/**
 * The rule model. Every rule — CEL from a pack, native TypeScript, or one that another
 * stage produces (`schema/invalid`, `waiver/expired`…) — carries the same metadata, so
 * `explain`, docs/rules.md and SARIF's rule table come from one registry.
 */
import type { ConfigValues } from '../config/types.js';
import type { Severity, SourceRange } from '../diagnostics/finding.js';
import type { RunBudget } from './cel/budget.js';

/** How a rule is implemented: a CEL pack rule, native TypeScript, or produced by another stage. */
export type RuleEngine = 'cel' | 'native' | 'stage';

/** One pass or fail example run by `exportctl policy test`. */
export interface RuleFixture {
  /** The effective config the rule sees: the fixture alone, not merged onto anything. */
  config: ConfigValues;
  /** Name of the environment (default: the rule's first scoped env, else `test`). */
  env: string;
  protected: boolean;
  /** Every environment's config for cross-environment rules (includes `env`). */
  envs: Record<string, ConfigValues>;
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
  /** Shipped with exportctl, or from a project's local pack. */
  origin: 'builtin' | 'local';
  /** Whether the manifest may change the severity or turn the rule off. */
  configurable: boolean;
  /** Only these environments (default all). */
  envs?: string[];
  /** Only protected environments. */
  protectedOnly?: boolean;
  /** Where the rule is defined (its `id` in a pack). */
  location?: SourceRange;
  tests: { pass: RuleFixture[]; fail: RuleFixture[] };
  /** Examples as text, for rules other stages produce (no fixtures). */
  examples?: { pass?: string; fail?: string };
}

export interface ProjectInfo {
  name: string;
  reference: string;
  environments: Record<string, { protected: boolean }>;
}

/** What a rule sees of one environment. */
export interface RuleInput {
  env: string;
  protected: boolean;
  /** The effective config (plain values). */
  config: ConfigValues;
  /** Every environment's effective config, by name (cross-environment rules). */
  envs: ReadonlyMap<string, ConfigValues>;
  project: ProjectInfo;
  /** The CEL activation of this environment, built once and shared by every CEL rule. */
  activation(): Record<string, unknown>;
  /** What each pack may still spend in this run (shared by every environment's input). */
  budget?: RunBudget;
}

/** A rule's verdict on one value. `path` is the config path the finding points at. */
export interface Violation {
  path?: string;
  message: string;
}

/** A rule that could not be evaluated (not a verdict on the config). */
export interface RuleProblem {
  message: string;
  /** Where in the pack (the expression that failed). */
  location?: SourceRange;
}

export interface RuleOutcome {
  violations: Violation[];
  problems: RuleProblem[];
}

export interface Rule extends RuleMeta {
  /** Absent for rules another stage produces. */
  evaluate?(input: RuleInput): RuleOutcome;
}

/**
 * The TypeScript side of a native rule: its metadata and fixtures live in a pack
 * (`native: true`), its logic here. Later stages' rules (deps/, drift/, terraform/, plan/)
 * implement the same interface.
 */
export interface NativeRuleImpl {
  id: string;
  evaluate(input: RuleInput): Violation[];
}

export function ruleGroup(id: string): string {
  return id.split('/')[0];
}

/** Whether a rule runs on an environment (its `envs` scope and `protected_only`). */
export function ruleApplies(rule: RuleMeta, env: string, isProtected: boolean): boolean {
  if (rule.envs && rule.envs.length > 0 && !rule.envs.includes(env)) return false;
  if (rule.protectedOnly && !isProtected) return false;
  return true;
}
