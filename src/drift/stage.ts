/**
 * The drift stage of `check`: drift/* findings of the checked environments. It satisfies
 * check's `CheckStage` (check/stage.ts) by shape: a stage reads only what it declares here and
 * imports nothing of `check`, so dependencies point one way.
 */
import { isAtOrUnder } from '../config/path.js';
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { driftProject, type ProjectDrift } from './project-drift.js';

/** What the drift stage reads of `check`'s context. */
export interface DriftStageInput {
  project: Project;
  configs: readonly EffectiveConfig[];
  checkedEnvs: ReadonlySet<string>;
  rejectedKeys?: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface DriftStage {
  name: string;
  run(ctx: DriftStageInput): { findings: Finding[] };
}

/**
 * A drift stage. `onReport` receives the whole comparison (every environment), for
 * `exportctl drift`, which shows it side by side.
 */
export function createDriftStage(onReport?: (drift: ProjectDrift) => void): DriftStage {
  return {
    name: 'drift',
    run(ctx) {
      if (!ctx.configs.some((c) => c.env === ctx.project.reference)) return { findings: [] };
      const drift = driftProject(ctx.project, ctx.configs, { rows: onReport !== undefined });
      onReport?.(drift);
      const rejected = (env: string | undefined, path: string | undefined) =>
        env !== undefined &&
        path !== undefined &&
        [env, ctx.project.reference].some((e) => isUnder(path, ctx.rejectedKeys?.get(e)));
      // Project-wide findings (unused allowances) have no env and are always reported. A key
      // the schema rejects (in this environment or the reference) is the schema's to report:
      // `server.timout` is an unknown key, not a drift.
      // An allowance is unused for certain only when every environment was compared: else it
      // is still reported, but `--fix` does not remove it.
      const allCompared = ctx.project.environments.every((e) => ctx.checkedEnvs.has(e.name));
      return {
        findings: drift.findings
          .filter((f) => (f.env === undefined || ctx.checkedEnvs.has(f.env)) && !rejected(f.env, f.path))
          .map((f) => (f.env === undefined && !allCompared && f.fix ? withoutFix(f) : f)),
      };
    },
  };
}

/** Whether `path` is one of `keys` or lies inside one of them. */
function isUnder(path: string, keys: ReadonlySet<string> | undefined): boolean {
  return keys !== undefined && [...keys].some((k) => isAtOrUnder(path, k));
}

export const driftStage: DriftStage = createDriftStage();

function withoutFix(f: Finding): Finding {
  const { fix: _fix, ...rest } = f;
  return rest;
}
