/**
 * The exportctl library: the API the command line is a thin shell over (docs/api.md).
 *
 * Importing it is as cheap as `exportctl check`: loading, composing, checking, rules and
 * reports are plain modules, and what needs a heavy or native package loads it on first use —
 * `synthProject` loads cdktf, `runExport` the exporter (better-sqlite3, pg for PostgreSQL
 * sources), `startService` the service (prom-client, BullMQ/ioredis for a Redis queue).
 */
import type { ExportResult, RunExportOptions } from './exporter/job.js';
import type { ExportService, ServiceOptions } from './service/service.js';
import type { LiveDriftOptions } from './service/live-drift.js';
import type { Finding } from './diagnostics/finding.js';

// ── Findings: the one diagnostic type every stage returns ────────────────────────────────
export { type Finding, type Severity, type SourceRange, compareFindings } from './diagnostics/finding.js';
export { type FindingCounts, countFindings } from './diagnostics/counts.js';
export { UsageError } from './diagnostics/usage-error.js';

// ── Load a project, compose an environment ───────────────────────────────────────────────
export { MANIFEST_NAMES, findManifest } from './config/find-project.js';
export { type ProjectLoad, loadProject } from './project/load-project.js';
export { loadDocument, parseDocumentText } from './config/load-document.js';
export { composeEnvironment } from './config/compose.js';
export { type NodeOrigin, Provenance } from './config/provenance.js';
export type {
  ConfigValues,
  EffectiveConfig,
  EnvironmentSpec,
  LoadResult,
  LoadedDocument,
  Project,
  ProjectManifest,
} from './config/types.js';
export { type ConfigPath, type PathSegment, formatPath, getAtPath, parsePath } from './config/path.js';
export {
  MissingVariableError,
  type VariableRef,
  listVariables,
  resolveVariables,
} from './config/variables.js';
export { redactJson, redactSecrets, redactText } from './config/secrets.js';

// ── Check a project: schema, then the stages (policy, drift, deps) ───────────────────────
export {
  type CheckOptions,
  type CheckResult,
  type ProjectCheck,
  checkProject,
} from './check/check-project.js';
export type { CheckContext, CheckStage, StageResult } from './check/stage.js';
export { CHECK_STAGES } from './check/stages.js';
export { type SchemaProblem, validateValue } from './schema/validate.js';
export type { SchemaKind } from './schema/schemas.js';

// ── Rules: the registry, running them, controls, fixtures, documentation ─────────────────
export { policyStage } from './policy/stage.js';
export { type ProjectRules, projectRules } from './policy/rule-set.js';
export {
  type CheckedEnvironment,
  type EnvironmentCheck,
  type EnvironmentCheckOptions,
  type EnvironmentRefusal,
  type EnvironmentsCheck,
  checkEnvironment,
  checkEnvironments,
} from './check/check-environment.js';
export { readExportConfig } from './schema/read-config.js';
export type { ExportConfig } from './schema/export-config.types.js';
export { type BuiltinRules, builtinRules } from './policy/builtin.js';
export { RuleRegistry } from './rules/registry.js';
export {
  type EnvironmentConfig,
  type EvaluationResult,
  buildRuleInputs,
  evaluateRules,
} from './policy/evaluate.js';
export { type ControlContext, applyRuleControls } from './policy/controls.js';
export { type FixtureResult, runRuleFixtures } from './policy/fixtures.js';
export { explainRule } from './policy/docs.js';
export type { ProjectInfo, Rule, RuleInput } from './policy/rule-evaluation.js';
export type { RuleFixture, RuleMeta } from './rules/meta.js';

// ── Drift and dependencies ───────────────────────────────────────────────────────────────
export { type DriftOptions, type ProjectDrift, driftProject } from './drift/project-drift.js';
export { createDriftStage, driftStage } from './drift/stage.js';
export { type DriftComparison, type DriftDifference, type DriftRow, selectSides } from './drift/model.js';
export { DRIFT_FORMATS, type DriftFormatter, type DriftReportInput } from './drift/format/index.js';
export { analyzeProjectDependencies, depsStage } from './deps/stage.js';
export type { EnvDependencies } from './deps/model.js';
export { DEPS_FORMATS, type DepsFormat, type DepsView, renderDeps } from './deps/render.js';

// ── Reports: every output format of `check` ──────────────────────────────────────────────
export { FORMATTERS } from './report/formats.js';
export type { Formatter, ReportInput, RuleDoc, RuleLookup } from './report/report.js';

// ── Terraform: synth (cdktf loads on first use), plan and state checks ───────────────────
export {
  type SynthProjectOptions,
  type SynthProjectResult,
  synthProject,
} from './synth/synth-project.js';
export {
  type SynthInput,
  type SynthResult,
  type SynthesizedStack,
  buildStacks,
  synthesize,
  writeStacks,
} from './terraform/synth.js';
export { type Emitter, type TerraformJson, loadDefaultEmitter } from './terraform/emitter.js';
export type { StackSpec } from './terraform/model.js';
export { type StateDriftOptions, stateDriftForProject } from './synth/state-drift-project.js';
export { type PlanCheckInput, checkPlan } from './plan/check-plan.js';
export { type PlanJson, parsePlanJson } from './plan/plan-json.js';

// ── A new project, as `exportctl init` writes it ─────────────────────────────────────────
export { type ScaffoldFile, scaffoldProject, schemaHeader } from './init/scaffold.js';

// ── The exporter (loaded on first use) ───────────────────────────────────────────────────
export {
  EXPORT_ERROR_CODES,
  ExportError,
  type ExportErrorCode,
  type ExportErrorDetails,
} from './exporter/errors.js';
export { type LogLevel, type Logger, jsonLineLogger, silentLogger } from './exporter/log.js';
export { type ProtectedPath, projectProtectedPaths } from './exporter/output-target.js';
export type { ExportManifest } from './exporter/manifest.js';
export type { ExportProgress, ExportResult, RunExportOptions } from './exporter/job.js';
export type { DiskUsageProbe } from './exporter/limits.js';

/**
 * Runs one export job of an environment's effective config (`exportctl export`): check the
 * environment first (`checkEnvironment`), then pass its `effective.values`. Rejects with an
 * `ExportError`.
 */
export async function runExport(options: RunExportOptions): Promise<ExportResult> {
  const exporter = await import('./exporter/job.js');
  return exporter.runExport(options);
}

// ── The service (loaded on first use) ───────────────────────────────────────────────────
export { ServiceStartError, type ServiceStartCode } from './service/start-error.js';
export type { ExportService, ReloadResult, ServiceOptions } from './service/service.js';
export type { ServiceJob, ServiceJobStatus } from './service/jobs.js';
export type { LiveDriftOptions } from './service/live-drift.js';

/**
 * Starts the exporter service (`exportctl serve`): checks the environment, listens, runs jobs.
 * Rejects with a `ServiceStartError`; `drain()` stops it (running jobs checkpoint).
 */
export async function startService(options: ServiceOptions): Promise<ExportService> {
  const service = await import('./service/service.js');
  return service.startService(options);
}

/** `drift/state` findings for what a running service reports that differs from the config. */
export async function liveDrift(options: LiveDriftOptions): Promise<Finding[]> {
  const live = await import('./service/live-drift.js');
  return live.liveDrift(options);
}
