/**
 * A stage of `check` after load/compose/schema: policy packs, drift, dependencies...
 * Stages see composed configs and return findings that carry a config path and env;
 * `check-project.ts` locates them through provenance and reports them.
 *
 * Stages satisfy this contract by shape: each declares the part of the context it reads
 * (`PolicyStageInput`, `DriftStageInput`, `DepsStageInput`) and imports nothing of `check`,
 * so `check` depends on the stages and never the other way round.
 */
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import type { ProjectRules } from '../policy/rule-set.js';

export interface CheckContext {
  project: Project;
  /** Every environment's effective config (cross-environment rules need them all). */
  configs: EffectiveConfig[];
  /** Environments whose findings are reported (`--env`, or those a changed file affects). */
  checkedEnvs: ReadonlySet<string>;
  /** Whether each environment's effective config passed its JSON Schema. */
  schemaValid: ReadonlyMap<string, boolean>;
  /**
   * Per environment, the config paths of keys its JSON Schema rejects (unknown keys). Later
   * stages say nothing about them: the schema error is the one to fix. Absent = none.
   */
  rejectedKeys?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The project's rules (built-in and local packs, every stage's declarations), built once
   * per run: the policy stage runs them, rule controls and reports read their metadata.
   */
  rules: ProjectRules;
}

export interface StageResult {
  findings: Finding[];
  /** Files the stage read (policy packs, lockfiles...), absolute. */
  files?: string[];
  /** The stage could not run for a reason the user must fix first (exit 2), e.g. a broken policy pack. */
  fatal?: boolean;
}

export interface CheckStage {
  name: string;
  run(ctx: CheckContext): StageResult;
}
