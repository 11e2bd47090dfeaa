/**
 * Rule documentation for reports (SARIF's rule table), from the one rule registry: the
 * registries `check` built for the projects it checked (built-in rules and local packs),
 * else the built-in rules. Any command that reports findings passes it as
 * `ReportInput.rules`; nothing here builds a project's rules a second time.
 */
import { builtinRules } from '../policy/builtin.js';
import { explainRule } from '../policy/docs.js';
import { type RuleLookup, relativeFile } from '../report/report.js';
import type { RuleRegistry } from '../rules/registry.js';

export function ruleLookup(registries: readonly RuleRegistry[], cwd: string): RuleLookup {
  return (id) => {
    // The built-in registry is asked last: the projects' registries already hold it.
    const rule = registries.find((r) => r.has(id))?.get(id) ?? builtinRules().registry.get(id);
    if (!rule) return undefined;
    return {
      description: rule.description,
      defaultSeverity: rule.severity,
      rationale: rule.rationale,
      help: explainRule(rule, (file) => relativeFile(cwd, file)),
    };
  };
}
