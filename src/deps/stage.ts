/**
 * The deps stage of `check`: each checked environment's dependencies through
 * `analyzeEnvironment`. Findings are located already (inline requirements through the
 * environment's provenance, lockfile and matrix ones at their own lines).
 */
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { analyzeEnvironment } from './analyze.js';
import { DepsFileCache } from './file-cache.js';
import type { EnvDependencies } from './model.js';
import { loadMatrix } from './matrix.js';

/**
 * What the deps stage reads of `check`'s context. The stage satisfies check's `CheckStage`
 * (check/stage.ts) by shape and imports nothing of `check`.
 */
export interface DepsStageInput {
  project: Project;
  configs: readonly EffectiveConfig[];
  checkedEnvs: ReadonlySet<string>;
}

export interface DepsStageResult {
  findings: Finding[];
  files: string[];
  fatal: boolean;
}

/** Every checked environment's dependency analysis (the library API behind stage and CLI). */
export function analyzeProjectDependencies(ctx: DepsStageInput): EnvDependencies[] {
  const cache = new DepsFileCache(loadMatrix, ctx.project.confine);
  const out: EnvDependencies[] = [];
  for (const config of ctx.configs) {
    if (!ctx.checkedEnvs.has(config.env)) continue;
    const r = analyzeEnvironment(ctx.project.root, config, cache);
    if (r) out.push(r);
  }
  return out;
}

export const depsStage = {
  name: 'deps',
  run(ctx: DepsStageInput): DepsStageResult {
    const envs = analyzeProjectDependencies(ctx);
    const findings: Finding[] = envs.flatMap((e) => e.findings);
    return {
      findings,
      files: [...new Set(envs.flatMap((e) => e.files))],
      fatal: envs.some((e) => e.fatal),
    };
  },
};
