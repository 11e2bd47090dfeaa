/**
 * `check` as a library call: find the projects the given paths belong to, load and
 * compose every environment, validate schemas, run the later stages, locate findings.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeEnvironment, isPlainObject } from '../config/compose.js';
import { findManifest } from '../config/find-project.js';
import { loadDocument } from '../config/load-document.js';
import { loadProject } from '../config/load-project.js';
import type { EffectiveConfig, LoadedDocument, Project } from '../config/types.js';
import { compareFindings, type Finding } from '../diagnostics/finding.js';
import { applyRuleControls } from '../policy/controls.js';
import { compileLocalPack, projectRules } from '../policy/rule-set.js';
import { locateFindings } from '../diagnostics/locate.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { declaredKind } from '../schema/schemas.js';
import { problemsToFindings, validateToFindings, validateValue } from '../schema/validate.js';
import { formatPath } from '../config/path.js';
import type { CheckStage } from './stage.js';
import { CHECK_STAGES } from './stages.js';

export interface CheckOptions {
  /** Working directory: relative paths and discovery start here. */
  cwd?: string;
  /** Project directories, manifests or any config files. Default: the project above cwd. */
  paths?: string[];
  /** Only these environments (default: all, or those the given files affect). */
  envs?: string[];
  now?: Date;
  /** Stages to run after schema validation (default: the built-in pipeline). */
  stages?: CheckStage[];
  /**
   * Skip given files that belong to no project and declare no exportctl kind (or cannot be
   * parsed), instead of reporting them: hooks pass every changed YAML/JSON file.
   */
  ignoreUnknown?: boolean;
}

export interface ProjectCheck {
  project: Project;
  /** Every environment's effective config (only when base and overlays loaded). */
  configs: EffectiveConfig[];
  checkedEnvs: string[];
  schemaValid: Map<string, boolean>;
  /** Per environment, the config paths of keys its JSON Schema rejects (unknown keys). */
  rejectedKeys: Map<string, ReadonlySet<string>>;
}

export interface CheckResult {
  findings: Finding[];
  projects: ProjectCheck[];
  /** Absolute paths of every file read. */
  files: string[];
  /** A manifest or policy pack could not be used (exit 2). */
  fatal: boolean;
}

interface Target {
  manifest: string;
  /** undefined = every environment */
  files: Set<string> | undefined;
}

export function checkProject(options: CheckOptions = {}): CheckResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const paths = options.paths && options.paths.length > 0 ? options.paths : [cwd];
  const targets = new Map<string, Target>();
  const standalone: string[] = [];

  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UsageError(`${p}: no such file or directory`);
    const isDir = statSync(abs).isDirectory();
    const manifest = findManifest(abs);
    if (!manifest) {
      if (isDir)
        throw new UsageError(
          `${p}: no exportctl.yaml in this directory or above it (\`exportctl init\` creates a project)`,
        );
      standalone.push(abs);
      continue;
    }
    const t = targets.get(manifest) ?? { manifest, files: new Set<string>() };
    if (isDir || abs === manifest) t.files = undefined;
    else t.files?.add(abs);
    targets.set(manifest, t);
  }

  const result: CheckResult = { findings: [], projects: [], files: [], fatal: false };
  for (const t of targets.values()) checkOneProject(t, options, result);
  for (const file of standalone) checkStandaloneFile(file, result, options.ignoreUnknown === true);
  result.findings.sort(compareFindings);
  result.files = [...new Set(result.files)];
  return result;
}

function checkOneProject(target: Target, options: CheckOptions, result: CheckResult): void {
  result.files.push(target.manifest);
  const load = loadProject(target.manifest);
  if (!load.project) {
    result.findings.push(...load.findings);
    result.fatal = true;
    return;
  }
  const project = load.project;

  const known = new Set(project.environments.map((e) => e.name));
  for (const e of options.envs ?? []) {
    if (!known.has(e)) throw new UsageError(`unknown environment "${e}" (known: ${[...known].join(', ')})`);
  }
  const checkedEnvs = project.environments
    .filter((e) => options.envs === undefined || options.envs.length === 0 || options.envs.includes(e.name))
    .filter((e) => affects(target.files, project, e.overlayFile))
    .map((e) => e.name);
  const checked = new Set(checkedEnvs);
  const now = options.now ?? new Date();

  const findings: Finding[] = [];
  const seen = new Set<string>();
  // The same problem seen in the base alone (no env) and again in each environment is one
  // finding; the same finding in several environments stays one per environment, so that
  // waivers and --env scope each one (reporters merge them for display).
  const key = (f: Finding, env: string | undefined) =>
    `${f.rule}|${f.location?.file}:${f.location?.line}:${f.location?.column}|${f.path}|${f.message}|${env ?? ''}`;
  const add = (fs: Finding[]) => {
    for (const f of fs) {
      const k = key(f, f.env);
      if (!seen.has(k) && !seen.has(key(f, undefined))) {
        seen.add(k);
        findings.push(f);
      }
    }
  };

  result.files.push(project.baseFile);
  const base = loadDocument(project.baseFile);
  add(base.findings);
  if (base.doc) add(validateToFindings('ExportConfig', base.doc.value, base.doc.provenance));

  const overlays = new Map<string, LoadedDocument>();
  for (const env of project.environments) {
    if (!env.overlayFile || overlays.has(env.overlayFile)) continue;
    result.files.push(env.overlayFile);
    const ov = loadDocument(env.overlayFile);
    add(ov.findings.map((f) => ({ ...f, env: env.name })));
    if (ov.doc) overlays.set(env.overlayFile, ov.doc);
  }

  const configs: EffectiveConfig[] = [];
  const schemaValid = new Map<string, boolean>();
  const rejectedKeys = new Map<string, ReadonlySet<string>>();
  let complete = false;
  const composable =
    isPlainObject(base.doc?.value) &&
    project.environments.every((e) => !e.overlayFile || overlays.has(e.overlayFile));
  // Overlay mistakes show up in the effective config, located in the overlay through
  // provenance. An overlay is validated on its own only when there is no effective config
  // to find them in (the base is broken), or when it is not a map and composes to nothing.
  for (const env of project.environments) {
    const ov = env.overlayFile ? overlays.get(env.overlayFile) : undefined;
    if (!ov || ov.value === null || (composable && isPlainObject(ov.value))) continue;
    add(validateToFindings('ExportConfigOverlay', ov.value, ov.provenance, env.name));
  }
  if (base.doc && composable) {
    for (const env of project.environments) {
      const overlay = env.overlayFile ? overlays.get(env.overlayFile) : undefined;
      const eff = composeEnvironment(base.doc, overlay, env);
      configs.push(eff);
      const problems = validateValue('ExportConfig', eff.values);
      schemaValid.set(env.name, problems.length === 0);
      rejectedKeys.set(env.name, new Set(problems.filter((p) => p.atKey).map((p) => formatPath(p.path))));
      // The same problem seen in the base or overlay alone is not reported twice.
      add(problemsToFindings(problems, eff.provenance, env.name));
    }
    const stages = options.stages ?? CHECK_STAGES;
    const ctx = {
      project,
      configs,
      checkedEnvs: checked,
      schemaValid,
      rejectedKeys,
    };
    complete = true;
    for (const stage of stages) {
      const r = stage.run(ctx);
      add(r.findings);
      result.files.push(...(r.files ?? []));
      if (r.fatal) {
        result.fatal = true;
        complete = false;
      }
    }
  }

  // Severity overrides, `off` and waivers apply to every stage's findings, here only.
  const controlled = applyRuleControls(findings, {
    project,
    registry: projectRules(project).registry,
    checkedEnvs: checked,
    now,
    complete,
  });

  const byEnv = new Map(configs.map((c) => [c.env, c.provenance]));
  const located = locateFindings(controlled, (env) =>
    env === undefined ? project.manifestDoc.provenance : byEnv.get(env),
  );
  result.findings.push(...located.filter((f) => f.env === undefined || checked.has(f.env)));
  result.projects.push({ project, configs, checkedEnvs, schemaValid, rejectedKeys });
}

/** Whether a change to `files` can affect an environment with this overlay. */
function affects(files: Set<string> | undefined, project: Project, overlayFile: string | undefined): boolean {
  if (files === undefined) return true;
  const overlayFiles = new Set(project.environments.map((e) => e.overlayFile).filter(Boolean));
  const referenceOverlay = project.environments.find((e) => e.name === project.reference)?.overlayFile;
  for (const f of files) {
    if (!overlayFiles.has(f)) return true; // base, policy pack, matrix...: every environment
    if (f === referenceOverlay) return true; // every environment is compared with the reference
    if (f === overlayFile) return true;
  }
  return false;
}

/** A config file outside any project: checked against the schema of the kind it declares. */
function checkStandaloneFile(file: string, result: CheckResult, ignoreUnknown: boolean): void {
  const loaded = loadDocument(file);
  const kind = loaded.doc ? declaredKind(loaded.doc.value) : undefined;
  if (ignoreUnknown && !kind) return;
  result.files.push(file);
  result.findings.push(...loaded.findings);
  if (!loaded.doc) return;
  if (!kind) {
    result.findings.push({
      rule: 'schema/invalid',
      severity: 'error',
      message:
        'cannot tell what this file is: it declares no known kind (ExportConfig, Project, PolicyPack, CompatibilityMatrix) and no exportctl.yaml is above it',
      location: loaded.doc.provenance.locate('kind') ?? {
        file,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
      },
    });
    // An error finding like any other (exit 1): exit 2 is for usage errors and for a manifest
    // or policy pack that cannot be used, and this file is neither.
    return;
  }
  if (kind === 'Project') {
    const load = loadProject(file);
    result.findings.push(...load.findings);
    if (!load.project) result.fatal = true;
    return;
  }
  if (kind === 'PolicyPack') {
    // Schema, then every CEL expression parsed and type-checked, as when a project loads it.
    const pack = compileLocalPack(loaded.doc);
    result.findings.push(...pack.findings);
    if (pack.findings.length > 0) result.fatal = true;
    return;
  }
  result.findings.push(...validateToFindings(kind, loaded.doc.value, loaded.doc.provenance));
}
