/**
 * The evaluation side of a rule: what a CEL or native rule sees of an environment and what
 * it returns. Its metadata is the one rule shape of src/rules/meta.ts (`RuleMeta`).
 */
import type { ConfigValues } from '../config/types.js';
import type { SourceRange } from '../diagnostics/finding.js';
import type { RuleMeta } from '../rules/meta.js';
import type { RunBudget } from './cel/budget.js';

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

/** A CEL or native rule of a pack: its metadata and how it evaluates an environment. */
export interface Rule extends RuleMeta {
  evaluate(input: RuleInput): RuleOutcome;
}

/**
 * The TypeScript side of a native rule: its metadata and fixtures live in a pack
 * (`native: true`), its logic here.
 */
export interface NativeRuleImpl {
  id: string;
  evaluate(input: RuleInput): Violation[];
}
