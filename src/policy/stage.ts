/**
 * The policy stage of `check`: every active rule (built-in and local packs, minus those
 * the manifest turns off) on every checked environment. A pack that cannot be used stops
 * the stage (exit 2). Evaluation errors on an environment whose schema failed are not
 * reported: the schema findings already say what is wrong there.
 */
import type { CheckStage } from '../check/stage.js';
import type { Finding } from '../diagnostics/finding.js';
import { buildRuleInputs, evaluateRules } from './evaluate.js';
import type { ProjectInfo } from './rule.js';
import { projectRules } from './rule-set.js';

export const policyStage: CheckStage = {
  name: 'policy',
  run(ctx) {
    const rules = projectRules(ctx.project);
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
