/**
 * `synth` from a project on disk: check it (refusing on errors), synthesize every
 * environment, locate the findings through provenance. The library behind `synth`,
 * `plan` and `drift --state`; writes nothing.
 */
import { type CheckResult, checkProject } from '../check/check-project.js';
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { locateFindings } from '../diagnostics/locate.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { type Emitter, loadDefaultEmitter } from './emitter.js';
import type { ProjectBundle } from './stack/artifacts.js';
import { type SynthesizedStack, synthesize } from './synth.js';

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
  /** A manifest or pack cannot be used (exit 2). */
  fatal: boolean;
  emitterName?: string;
}

export async function synthProject(options: SynthProjectOptions): Promise<SynthProjectResult> {
  const check: CheckResult = checkProject({
    cwd: options.cwd,
    paths: options.project ? [options.project] : undefined,
    now: options.now,
  });
  const pc = check.projects[0];
  const base = { files: check.files, fatal: check.fatal, configs: pc?.configs ?? [], project: pc?.project };
  if (check.projects.length > 1) throw new UsageError('synth works on one project at a time');
  if (!pc || check.fatal) return { ...base, findings: check.findings, stacks: [], refused: true };
  const known = pc.project.environments.map((e) => e.name);
  for (const e of options.envs ?? []) {
    if (!known.includes(e)) throw new UsageError(`unknown environment "${e}" (known: ${known.join(', ')})`);
  }
  const composed = pc.configs.length === known.length;
  if (!composed || check.findings.some((f) => f.severity === 'error')) {
    return { ...base, findings: check.findings, stacks: [], refused: true };
  }

  const emitter = options.emitter ?? (await loadDefaultEmitter());
  const bundle = projectBundle(pc.project.root, check.files);
  const result = synthesize({ project: pc.project, configs: pc.configs, bundle }, emitter);
  const provenance = new Map(pc.configs.map((c) => [c.env, c.provenance]));
  const located = locateFindings(result.findings, (env) =>
    env === undefined ? pc.project.manifestDoc.provenance : provenance.get(env),
  );
  const failed = located.some((f) => f.severity === 'error');
  const wanted = options.envs && options.envs.length > 0 ? new Set(options.envs) : undefined;
  return {
    ...base,
    findings: [...check.findings, ...located],
    stacks: failed ? [] : result.stacks.filter((s) => !wanted || wanted.has(s.env)),
    refused: false,
    emitterName: emitter.name,
  };
}

/** The files `check` read inside the project directory, as shipped to the instances. */
function projectBundle(root: string, files: readonly string[]): ProjectBundle {
  const out: Record<string, string> = {};
  for (const file of [...new Set(files)].sort()) {
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) continue;
    out[rel.split(sep).join('/')] = readFileSync(file, 'utf8');
  }
  return { files: Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1))) };
}
