/** Running rules over environments: one RuleInput (and one CEL activation) per environment. */
import type { ConfigValues } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { RunBudget } from './cel/budget.js';
import { configSections } from './cel/policy-environment.js';
import { toCel } from './cel/values.js';
import { isPlainObject } from '../config/compose.js';
import { ruleApplies } from '../rules/meta.js';
import type { ProjectInfo, Rule, RuleInput } from './rule-evaluation.js';

export interface EnvironmentConfig {
  env: string;
  protected: boolean;
  config: ConfigValues;
}

/** Inputs for every environment; CEL values are converted lazily and once per environment. */
export function buildRuleInputs(envs: EnvironmentConfig[], project: ProjectInfo): Map<string, RuleInput> {
  const configs = new Map(envs.map((e) => [e.env, e.config]));
  const celConfigs = new Map<string, Record<string, unknown>>();
  const celOf = (env: string): Record<string, unknown> => {
    let v = celConfigs.get(env);
    if (!v) {
      v = toCel(configs.get(env) ?? {}) as Record<string, unknown>;
      celConfigs.set(env, v);
    }
    return v;
  };
  let celEnvs: Record<string, unknown> | undefined;
  let celProject: unknown;
  const inputs = new Map<string, RuleInput>();
  const budget = new RunBudget();
  for (const e of envs) {
    let activation: Record<string, unknown> | undefined;
    inputs.set(e.env, {
      env: e.env,
      protected: e.protected,
      config: e.config,
      envs: configs,
      project,
      budget,
      activation() {
        if (!activation) {
          const config = celOf(e.env);
          if (!celEnvs) {
            celEnvs = {};
            for (const name of configs.keys()) celEnvs[name] = celOf(name);
          }
          celProject ??= toCel(project);
          activation = {
            env: e.env,
            protected: e.protected,
            project: celProject,
            envs: celEnvs,
            config,
            item: null,
            index: null,
          };
          for (const s of configSections()) {
            const v = config[s];
            activation[s] = isPlainObject(v) ? v : {};
          }
        }
        return activation;
      },
    });
  }
  return inputs;
}

export interface EvaluationResult {
  /** Violations as findings: rule id, default severity, config path, env. */
  findings: Finding[];
  /** Rules that could not be evaluated, located in their packs. */
  problems: Finding[];
}

export function evaluateRules(rules: readonly Rule[], input: RuleInput): EvaluationResult {
  const findings: Finding[] = [];
  const problems: Finding[] = [];
  for (const rule of rules) {
    if (!ruleApplies(rule, input.env, input.protected)) continue;
    const out = rule.evaluate(input);
    for (const v of out.violations) {
      findings.push({
        rule: rule.id,
        severity: rule.severity,
        message: v.message,
        path: v.path,
        env: input.env,
      });
    }
    for (const p of out.problems) {
      problems.push({
        rule: 'policy/evaluation-error',
        severity: 'error',
        message: `rule ${rule.id} could not be evaluated: ${p.message}`,
        env: input.env,
        location: p.location ?? rule.location,
      });
    }
  }
  return { findings, problems };
}
