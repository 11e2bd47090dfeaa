/**
 * The deps stage of `check`: each checked environment's dependencies through
 * `analyzeEnvironment`. Findings are located already (inline requirements through the
 * environment's provenance, lockfile and matrix ones at their own lines).
 */
import type { CheckContext, CheckStage, StageResult } from '../check/stage.js';
import type { Finding } from '../diagnostics/finding.js';
import { analyzeEnvironment } from './analyze.js';
import { DepsFileCache } from './file-cache.js';
import type { EnvDependencies } from './model.js';
import { loadMatrix } from './matrix.js';

/** Every checked environment's dependency analysis (the library API behind stage and CLI). */
export function analyzeProjectDependencies(
  ctx: Pick<CheckContext, 'project' | 'configs' | 'checkedEnvs'>,
): EnvDependencies[] {
  const cache = new DepsFileCache(loadMatrix, ctx.project.confine);
  const out: EnvDependencies[] = [];
  for (const config of ctx.configs) {
    if (!ctx.checkedEnvs.has(config.env)) continue;
    const r = analyzeEnvironment(ctx.project.root, config, cache);
    if (r) out.push(r);
  }
  return out;
}

export const depsStage: CheckStage = {
  name: 'deps',
  run(ctx): StageResult {
    const envs = analyzeProjectDependencies(ctx);
    const findings: Finding[] = envs.flatMap((e) => e.findings);
    return {
      findings,
      files: [...new Set(envs.flatMap((e) => e.files))],
      fatal: envs.some((e) => e.fatal),
    };
  },
};
