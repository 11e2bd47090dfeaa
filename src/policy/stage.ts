/**
 * The policy stage of `check`: every active rule (built-in and local packs, minus those
 * the manifest turns off) on every checked environment. A pack that cannot be used stops
 * the stage (exit 2). Evaluation errors on an environment whose schema failed are not
 * reported: the schema findings already say what is wrong there.
 *
 * It satisfies check's `CheckStage` (check/stage.ts) by shape and imports nothing of `check`;
 * the project's rules come in the context, built once per run by `check` (`projectRules`).
 */
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { buildRuleInputs, evaluateRules } from './evaluate.js';
import type { ProjectInfo } from './rule-evaluation.js';
import type { ProjectRules } from './rule-set.js';

/** What the policy stage reads of `check`'s context. */
export interface PolicyStageInput {
  project: Project;
  configs: readonly EffectiveConfig[];
  checkedEnvs: ReadonlySet<string>;
  schemaValid: ReadonlyMap<string, boolean>;
  /** The project's rules, built once for the run. */
  rules: ProjectRules;
}

export interface PolicyStageResult {
  findings: Finding[];
  files: string[];
  fatal?: boolean;
}

export const policyStage = {
  name: 'policy',
  run(ctx: PolicyStageInput): PolicyStageResult {
    const rules = ctx.rules;
    if (rules.findings.length > 0) return { findings: rules.findings, files: rules.localFiles, fatal: true };

    const overrides = ctx.project.manifest.policies?.rules ?? {};
    const active = rules.active.filter((r) => overrides[r.id] !== 'off');
    const info: ProjectInfo = {
      name: ctx.project.manifest.name,
      reference: ctx.project.reference,
      environments: Object.fromEntries(
        ctx.project.environments.map((e) => [e.name, { protected: e.protected }]),
      ),
    };
    const inputs = buildRuleInputs(
      ctx.configs.map((c) => ({ env: c.env, protected: c.protected, config: c.values })),
      info,
    );
    const findings: Finding[] = [];
    for (const env of ctx.checkedEnvs) {
      const input = inputs.get(env);
      if (!input) continue;
      const r = evaluateRules(active, input);
      findings.push(...r.findings);
      if (ctx.schemaValid.get(env) !== false) findings.push(...r.problems);
    }
    return { findings, files: rules.localFiles };
  },
};
