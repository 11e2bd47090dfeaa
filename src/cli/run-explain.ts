/**
 * `exportctl explain RULE` and `explain --list`: from the rule registry (built-in rules, plus the local packs of
 * the project above the current directory when there is one). Unknown rule → exit 2 with a
 * did-you-mean.
 */
import { findManifest } from '../config/find-project.js';
import { loadProject } from '../project/load-project.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { builtinRules } from '../policy/builtin.js';
import { exampleTexts, explainRule } from '../policy/docs.js';
import type { RuleRegistry } from '../rules/registry.js';
import { loadLocalRules, projectPackScope } from '../policy/rule-set.js';
import { relativeFile } from '../report/report.js';
import type { ExplainFlags } from './commands/explain.js';
import { EXIT } from './exit-codes.js';

function registryHere(cwd: string): RuleRegistry {
  const builtin = builtinRules().registry;
  const manifest = findManifest(cwd);
  if (!manifest) return builtin;
  const load = loadProject(manifest);
  if (!load.project) return builtin;
  const local = loadLocalRules(projectPackScope(load.project), builtin);
  return builtin.extend(local.rules);
}

function checkFormat(flags: ExplainFlags): void {
  if (flags.format !== 'text' && flags.format !== 'json')
    throw new UsageError(`unknown format "${flags.format}" (choose text, json)`);
}

/** Every rule id of the registry with its severity and one-line description, sorted by id. */
export function runExplainList(flags: ExplainFlags): number {
  checkFormat(flags);
  const rules = registryHere(process.cwd()).all();
  if (flags.format === 'json') {
    const out = rules.map((r) => ({ id: r.id, severity: r.severity, description: r.description }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT.OK;
  }
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  const sevWidth = Math.max(...rules.map((r) => r.severity.length));
  const lines = rules.map((r) => `${r.id.padEnd(idWidth)}  ${r.severity.padEnd(sevWidth)}  ${r.description}`);
  process.stdout.write(
    `${lines.join('\n')}\n\n${rules.length} rules; \`exportctl explain RULE\` shows one in full.\n`,
  );
  return EXIT.OK;
}

export function runExplain(id: string, flags: ExplainFlags): number {
  checkFormat(flags);
  const registry = registryHere(process.cwd());
  const rule = registry.get(id);
  if (!rule) {
    const hint = registry.suggest(id);
    throw new UsageError(
      `unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}; \`exportctl explain --list\` lists every rule`,
    );
  }
  if (flags.format === 'json') {
    const ex = exampleTexts(rule);
    const out = {
      id: rule.id,
      group: rule.group,
      severity: rule.severity,
      description: rule.description,
      rationale: rule.rationale,
      engine: rule.engine,
      origin: rule.origin,
      configurable: rule.configurable,
      envs: rule.envs,
      protectedOnly: rule.protectedOnly ?? false,
      examples: ex,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else process.stdout.write(explainRule(rule, (f) => relativeFile(process.cwd(), f)));
  return EXIT.OK;
}
