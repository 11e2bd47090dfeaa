/**
 * Rule documentation for reports (SARIF's rule table), from the one rule registry: the built-in
 * rules and the local packs of the projects checked. Any command that reports findings
 * (`check`, `drift`, `plan-check`) passes it as `ReportInput.rules`.
 */
import type { Project } from '../config/types.js';
import { builtinRules } from '../policy/builtin.js';
import { explainRule } from '../policy/docs.js';
import type { RuleRegistry } from '../rules/registry.js';
import { projectRules } from '../policy/rule-set.js';
import { type RuleLookup, relativeFile } from '../report/report.js';

export function ruleLookup(projects: readonly Project[], cwd: string): RuleLookup {
  let registries: RuleRegistry[] | undefined;
  return (id) => {
    // Built only when a format asks: text and json never do.
    registries ??= [...projects.map((p) => projectRules(p).registry), builtinRules().registry];
    for (const registry of registries) {
      const rule = registry.get(id);
      if (rule) {
        return {
          description: rule.description,
          defaultSeverity: rule.severity,
          rationale: rule.rationale,
          help: explainRule(rule, (file) => relativeFile(cwd, file)),
        };
      }
    }
    return undefined;
  };
}
