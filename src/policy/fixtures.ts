/**
 * Running rules' pass/fail fixtures (`exportctl policy test`). A fixture is the effective
 * config the rule sees, alone: nothing is merged into it, so it holds exactly what the rule
 * needs. Only the rule under test runs. A pass fixture must give no finding and no error;
 * a fail fixture must give at least one finding.
 */
import type { SourceRange } from '../diagnostics/finding.js';
import { buildRuleInputs } from './evaluate.js';
import { type RuleFixture, ruleApplies } from '../rules/meta.js';
import type { Rule } from './rule-evaluation.js';

export interface FixtureResult {
  rule: string;
  kind: 'pass' | 'fail';
  index: number;
  ok: boolean;
  /** Why it failed. */
  message?: string;
  location?: SourceRange;
}

export function runFixture(
  rule: Rule,
  fixture: RuleFixture,
  kind: 'pass' | 'fail',
  index: number,
): FixtureResult {
  const base = { rule: rule.id, kind, index, location: fixture.location };
  const environments = Object.fromEntries(
    Object.keys(fixture.envs).map((e) => [e, { protected: e === fixture.env ? fixture.protected : false }]),
  );
  const inputs = buildRuleInputs(
    Object.entries(fixture.envs).map(([env, config]) => ({
      env,
      protected: environments[env].protected,
      config,
    })),
    { name: 'fixture', reference: fixture.env, environments },
  );
  const input = inputs.get(fixture.env)!;
  const out = ruleApplies(rule, fixture.env, fixture.protected)
    ? rule.evaluate(input)
    : { violations: [], problems: [] };
  if (out.problems.length > 0) {
    return {
      ...base,
      ok: false,
      message: `the rule could not be evaluated: ${out.problems.map((p) => p.message).join('; ')}`,
    };
  }
  if (kind === 'pass' && out.violations.length > 0) {
    return {
      ...base,
      ok: false,
      message: `expected no finding, got: ${out.violations.map((v) => `${v.path ?? ''} ${v.message}`.trim()).join('; ')}`,
    };
  }
  if (kind === 'fail' && out.violations.length === 0) {
    return { ...base, ok: false, message: 'expected a finding, got none' };
  }
  return { ...base, ok: true };
}

/** Every fixture of every rule, plus a failure for each rule lacking a pass or a fail fixture. */
export function runRuleFixtures(rules: readonly Rule[]): FixtureResult[] {
  const out: FixtureResult[] = [];
  for (const rule of rules) {
    for (const kind of ['pass', 'fail'] as const) {
      const list = rule.tests[kind];
      if (list.length === 0) {
        out.push({
          rule: rule.id,
          kind,
          index: -1,
          ok: false,
          message: `rule has no ${kind} fixture`,
          location: rule.location,
        });
      }
      for (const [i, f] of list.entries()) out.push(runFixture(rule, f, kind, i));
    }
  }
  return out;
}
