/** The drift stage of `check`: drift/* findings of the checked environments. */
import type { CheckStage } from '../check/stage.js';
import { driftProject, type ProjectDrift } from './project-drift.js';

/**
 * A drift stage. `onReport` receives the whole comparison (every environment), for
 * `exportctl drift`, which shows it side by side.
 */
export function createDriftStage(onReport?: (drift: ProjectDrift) => void): CheckStage {
  return {
    name: 'drift',
    run(ctx) {
      if (!ctx.configs.some((c) => c.env === ctx.project.reference)) return { findings: [] };
      const drift = driftProject(ctx.project, ctx.configs, { rows: onReport !== undefined });
      onReport?.(drift);
      // Project-wide findings (unused allowances) have no env and are always reported.
      return { findings: drift.findings.filter((f) => f.env === undefined || ctx.checkedEnvs.has(f.env)) };
    },
  };
}

export const driftStage: CheckStage = createDriftStage();
