/**
 * `check` as a library call: find the projects the given paths belong to, load and
 * compose every environment, validate schemas, run the later stages, locate findings.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeEnvironment, isPlainObject } from '../config/compose.js';
import { entryExists, findManifest } from '../config/find-project.js';
import { loadDocument } from '../config/load-document.js';
import { loadProject } from '../project/load-project.js';
import type { EffectiveConfig, LoadedDocument, Project } from '../config/types.js';
import { compareFindings, type Finding, findingKey } from '../diagnostics/finding.js';
import { applyRuleControls } from '../policy/controls.js';
import { compileLocalPack, type ProjectRules, projectRules } from '../policy/rule-set.js';
import { locateFindings } from '../diagnostics/locate.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { declaredKind, type SchemaKind } from '../schema/schemas.js';
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
  /** The project's rules, built once for this run (reports' rule tables read them too). */
  rules: ProjectRules;
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
    if (!entryExists(abs)) throw new UsageError(`${p}: no such file or directory`);
    const isDir = isDirectory(abs);
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

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false; // a link loop or a dangling link: the reader reports it
  }
}

function checkOneProject(target: Target, options: CheckOptions, result: CheckResult): void {
  const filesBefore = result.files.length;
  result.files.push(target.manifest);
  const load = loadProject(target.manifest);
  if (!load.project) {
    result.findings.push(...load.findings);
    result.fatal = true;
    return;
  }
  const project = load.project;
  // Built once per run: the policy stage, rule controls and the reports read this one set.
  const rules = projectRules(project);

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
  const add = (fs: Finding[]) => {
    for (const f of fs) {
      const k = findingKey(f);
      if (!seen.has(k) && !seen.has(findingKey(f, { acrossEnvs: true }))) {
        seen.add(k);
        findings.push(f);
      }
    }
  };

  result.files.push(project.baseFile);
  const base = loadDocument(project.baseFile, { confine: project.confine });
  add(base.findings);
  if (base.doc) add(validateToFindings('ExportConfig', base.doc.value, base.doc.provenance));

  const overlays = new Map<string, LoadedDocument>();
  for (const env of project.environments) {
    if (!env.overlayFile || overlays.has(env.overlayFile)) continue;
    result.files.push(env.overlayFile);
    const ov = loadDocument(env.overlayFile, { confine: project.confine });
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
      rules,
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

  // Files given to check that nothing read are checked on their own, with a warning.
  if (target.files && complete) {
    const read = new Set(result.files.slice(filesBefore));
    for (const file of target.files) {
      if (read.has(file)) continue;
      const r = checkUnreferencedFile(file, project, checkedEnvs, options.ignoreUnknown === true);
      if (!r) continue;
      result.files.push(file);
      add(r.findings);
      if (r.fatal) result.fatal = true;
    }
  }

  // Severity overrides, `off` and waivers apply to every stage's findings, here only.
  const controlled = applyRuleControls(findings, {
    project,
    registry: rules.registry,
    checkedEnvs: checked,
    now,
    complete,
  });

  const byEnv = new Map(configs.map((c) => [c.env, c.provenance]));
  const located = locateFindings(controlled, (env) =>
    env === undefined ? project.manifestDoc.provenance : byEnv.get(env),
  );
  result.findings.push(...located.filter((f) => f.env === undefined || checked.has(f.env)));
  result.projects.push({ project, configs, checkedEnvs, schemaValid, rejectedKeys, rules });
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

interface FileCheck {
  findings: Finding[];
  /** The file is a manifest or pack that cannot be used (exit 2). */
  fatal: boolean;
}

function firstLine(file: string) {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** A parsed document checked against the schema of the kind it declares. */
function checkDeclaredKind(doc: LoadedDocument, kind: SchemaKind): FileCheck {
  if (kind === 'Project') {
    const load = loadProject(doc.file);
    return { findings: load.findings, fatal: !load.project };
  }
  if (kind === 'PolicyPack') {
    // Schema, then every CEL expression parsed and type-checked, as when a project loads it.
    const pack = compileLocalPack(doc);
    return { findings: pack.findings, fatal: pack.findings.length > 0 };
  }
  return { findings: validateToFindings(kind, doc.value, doc.provenance), fatal: false };
}

function unknownKind(doc: LoadedDocument, why: string): Finding {
  return {
    rule: 'schema/invalid',
    severity: 'error',
    message: `cannot tell what this file is: it declares no known kind (ExportConfig, Project, PolicyPack, CompatibilityMatrix) and ${why}`,
    location: doc.provenance.locate('kind') ?? firstLine(doc.file),
  };
}

/**
 * A file given to `check` inside a project that no checked environment read: its syntax and
 * the schema of its declared kind (a file without `kind` beside the base or an overlay is
 * read as an overlay), and an `io/unused-file` warning. With --ignore-unknown, a file that
 * declares no kind and lies elsewhere (a workflow, a chart) is skipped: undefined.
 */
function checkUnreferencedFile(
  file: string,
  project: Project,
  checkedEnvs: string[],
  ignoreUnknown: boolean,
): FileCheck | undefined {
  const loaded = loadDocument(file);
  const kind = loaded.doc ? declaredKind(loaded.doc.value) : undefined;
  const configDirs = new Set(
    [project.baseFile, ...project.environments.map((e) => e.overlayFile)]
      .filter((f): f is string => f !== undefined)
      .map((f) => dirname(f)),
  );
  const besideConfigs = configDirs.has(dirname(file));
  if (!kind && !besideConfigs && ignoreUnknown) return undefined;

  const all = project.environments.length === checkedEnvs.length;
  const unused: Finding = {
    rule: 'io/unused-file',
    severity: 'warning',
    message: all
      ? `no environment of project ${project.manifest.name} uses this file: the manifest and the configs name it nowhere`
      : `none of the checked environments (${checkedEnvs.join(', ') || 'none'}) uses this file`,
    location: firstLine(file),
  };
  if (!loaded.doc) return { findings: [...loaded.findings, unused], fatal: false };
  const doc = loaded.doc;
  let checked: FileCheck;
  if (kind) checked = checkDeclaredKind(doc, kind);
  else if (besideConfigs && doc.value !== null)
    checked = {
      findings: validateToFindings('ExportConfigOverlay', doc.value, doc.provenance),
      fatal: false,
    };
  else if (besideConfigs) checked = { findings: [], fatal: false };
  else checked = { findings: [unknownKind(doc, 'it does not sit beside the configs')], fatal: false };
  return { findings: [...checked.findings, unused], fatal: checked.fatal };
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
    // An error finding like any other (exit 1): exit 2 is for usage errors and for a manifest
    // or policy pack that cannot be used, and this file is neither.
    result.findings.push(unknownKind(loaded.doc, 'no exportctl.yaml is above it'));
    return;
  }
  const checked = checkDeclaredKind(loaded.doc, kind);
  result.findings.push(...checked.findings);
  if (checked.fatal) result.fatal = true;
}
