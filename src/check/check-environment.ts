/**
 * "Check the environment, then refuse": the one rule of every command that needs a valid
 * environment (`export`, `serve` and its reloads, `synth`/`plan`/`drift --state`,
 * `drift --live`). The environment is loaded, composed and checked as `check --env` checks
 * it (schema, every stage, severity overrides and waivers); any error finding, a manifest or
 * pack that cannot be used, or an environment that did not compose refuses it with
 * CONFIG_INVALID. Otherwise the caller gets the config typed by the schema, defaults applied.
 */
import type { EffectiveConfig } from '../config/types.js';
import { countFindings } from '../diagnostics/counts.js';
import { compareFindings, type Finding } from '../diagnostics/finding.js';
import { type ExportConfig, readExportConfig } from '../schema/read-config.js';
import { problemsToFindings } from '../schema/validate.js';
import { type CheckResult, checkProject, type ProjectCheck } from './check-project.js';

export interface EnvironmentCheckOptions {
  /** Working directory: a relative `project` and discovery start here. */
  cwd: string;
  /** Project directory or manifest (default: the project above cwd). */
  project?: string;
  now?: Date;
}

/** One environment that passed: its effective config and the same values typed by the schema. */
export interface CheckedEnvironment {
  env: string;
  /** Values as written and composed (`${VAR}` unresolved), with provenance. */
  effective: EffectiveConfig;
  /** The schema-validated config with the schema's defaults applied (`${VAR}` unresolved). */
  config: ExportConfig;
}

export interface EnvironmentRefusal {
  /** The code of every refusal: the config does not pass check (exit 1, or 2 when `fatal`). */
  code: 'CONFIG_INVALID';
  /** What refused it: the check's findings (errors, and the warnings beside them). */
  findings: Finding[];
  /** A manifest or policy pack cannot be used (exit 2). */
  fatal: boolean;
  /** `dev does not pass check`. */
  message: string;
}

interface Checked {
  /** Every file the check read. */
  files: string[];
  /** The project, when its manifest loaded (for its environments, root and provenance). */
  project?: ProjectCheck;
}

export type EnvironmentCheck =
  | (Checked & { ok: true; project: ProjectCheck; environment: CheckedEnvironment; findings: Finding[] })
  | (Checked & {
      ok: false;
      refusal: EnvironmentRefusal;
      /** The refused environment's effective config, when it composed (`print` shows it anyway). */
      effective?: EffectiveConfig;
    });

export type EnvironmentsCheck =
  | (Checked & { ok: true; project: ProjectCheck; environments: CheckedEnvironment[]; findings: Finding[] })
  | (Checked & { ok: false; refusal: EnvironmentRefusal });

/** Checks one environment of a project; `env` must be one of its environments (else UsageError). */
export function checkEnvironment(options: EnvironmentCheckOptions & { env: string }): EnvironmentCheck {
  const result = checkEnvironments({ ...options, envs: [options.env] });
  if (!result.ok) {
    return { ...result, effective: result.project?.configs.find((c) => c.env === options.env) };
  }
  const [environment] = result.environments;
  return { ...result, environment };
}

/**
 * Checks the given environments (default: every environment of the project) together, as
 * `check --env A --env B` does, and refuses them all when one fails: `synth` compares every
 * environment's stacks, so it needs them all valid.
 */
export function checkEnvironments(options: EnvironmentCheckOptions & { envs?: string[] }): EnvironmentsCheck {
  const check = checkProject({
    cwd: options.cwd,
    paths: options.project ? [options.project] : undefined,
    envs: options.envs,
    now: options.now,
  });
  const project = check.projects[0];
  const files = check.files;
  const envs = options.envs && options.envs.length > 0 ? options.envs : project?.checkedEnvs;
  const name = envs?.length === 1 ? envs[0] : 'the project';
  const refuse = (findings: Finding[]): EnvironmentsCheck => ({
    ok: false,
    files,
    project,
    refusal: { code: 'CONFIG_INVALID', findings, fatal: check.fatal, message: `${name} does not pass check` },
  });
  if (!project || !envs || refusedBy(check)) return refuse(check.findings);

  const environments: CheckedEnvironment[] = [];
  for (const env of envs) {
    const effective = project.configs.find((c) => c.env === env);
    if (!effective) return refuse(check.findings);
    const read = readExportConfig(effective.values);
    // Only when a control turned `schema/invalid` off: the schema still decides what runs.
    if (!read.ok) {
      const schema = problemsToFindings(read.problems, effective.provenance, env);
      return refuse([...check.findings, ...schema].sort(compareFindings));
    }
    environments.push({ env, effective, config: read.config });
  }
  return { ok: true, files, project, environments, findings: check.findings };
}

/** The refusal rule: a manifest or pack that cannot be used, or any error finding. */
function refusedBy(check: CheckResult): boolean {
  return check.fatal || countFindings(check.findings).errors > 0;
}
