/**
 * `synth` from a project on disk: check every environment (`checkEnvironments`, refusing
 * on errors), synthesize every environment, locate the findings through provenance. The library behind `synth`,
 * `plan` and `drift --state`; writes nothing.
 */
import { checkEnvironments, type EnvironmentRefusal } from '../check/check-environment.js';
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { locateFindings } from '../diagnostics/locate.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { isInside } from '../config/confinement.js';
import { type Emitter, loadDefaultEmitter } from '../terraform/emitter.js';
import type { ProjectBundle } from '../terraform/stack/artifacts.js';
import { type SynthesizedStack, synthesize } from '../terraform/synth.js';

export interface SynthProjectOptions {
  cwd: string;
  /** Project directory or manifest (default: the project above cwd). */
  project?: string;
  /** Environments whose stacks are wanted (default all); every environment is synthesized and compared. */
  envs?: string[];
  emitter?: Emitter;
  now?: Date;
}

export interface SynthProjectResult {
  /** Check findings (warnings, or the errors that refused synth) and synth's own. */
  findings: Finding[];
  /** Stacks of the wanted environments; empty when refused or failed. */
  stacks: SynthesizedStack[];
  project?: Project;
  configs: EffectiveConfig[];
  files: string[];
  /** `check` had errors: nothing was synthesized. */
  refused: boolean;
  /** Why, when refused (`checkEnvironments`' refusal: CONFIG_INVALID). */
  refusal?: EnvironmentRefusal;
  /** A manifest or pack cannot be used (exit 2). */
  fatal: boolean;
  emitterName?: string;
}

export async function synthProject(options: SynthProjectOptions): Promise<SynthProjectResult> {
  // Every environment is checked (and must pass): synth compares every environment's stacks.
  const checked = checkEnvironments({ cwd: options.cwd, project: options.project, now: options.now });
  const pc = checked.project;
  const base = { files: checked.files, configs: pc?.configs ?? [], project: pc?.project };
  const known = pc?.project.environments.map((e) => e.name) ?? [];
  for (const e of pc ? (options.envs ?? []) : []) {
    if (!known.includes(e)) throw new UsageError(`unknown environment "${e}" (known: ${known.join(', ')})`);
  }
  if (!checked.ok) {
    const { refusal } = checked;
    return { ...base, findings: refusal.findings, fatal: refusal.fatal, stacks: [], refused: true, refusal };
  }
  const project = checked.project.project;

  const configs = checked.environments.map((e) => ({
    env: e.env,
    values: e.effective.values,
    config: e.config,
  }));
  const emitter = options.emitter ?? (await loadDefaultEmitter());
  const bundle = projectBundle(project.root, checked.files);
  const result = synthesize({ project, configs, bundle }, emitter);
  const provenance = new Map(checked.environments.map((e) => [e.env, e.effective.provenance]));
  const located = locateFindings(result.findings, (env) =>
    env === undefined ? project.manifestDoc.provenance : provenance.get(env),
  );
  const failed = located.some((f) => f.severity === 'error');
  const wanted = options.envs && options.envs.length > 0 ? new Set(options.envs) : undefined;
  return {
    ...base,
    fatal: false,
    findings: [...checked.findings, ...located],
    stacks: failed ? [] : result.stacks.filter((s) => !wanted || wanted.has(s.env)),
    refused: false,
    emitterName: emitter.name,
  };
}

/** The files `check` read inside the project directory, as shipped to the instances. */
function projectBundle(root: string, files: readonly string[]): ProjectBundle {
  const out: Record<string, string> = {};
  for (const file of [...new Set(files)].sort()) {
    if (file === root || !isInside(root, file)) continue;
    out[relative(root, file).split(sep).join('/')] = readFileSync(file, 'utf8');
  }
  return { files: Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1))) };
}
