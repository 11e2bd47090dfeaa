/** Evaluation of a CEL rule from a pack: scope, `match`, `for_each`, `assert`, message and path. */
import { appendPath, getAtPath, type PathSegment } from '../config/path.js';
import type { SourceRange } from '../diagnostics/finding.js';
import type { CelError, CelProgram } from './cel/engine.js';
import { formatCelValue } from './cel/values.js';
import { type MessageTemplate, renderMessage } from './message.js';
import type { RuleInput, RuleOutcome, RuleProblem, Violation } from './rule-evaluation.js';

/** Maps an error in one of the rule's expressions to its place in the pack. */
export type ExpressionLocator = (yamlPath: string, error: CelError) => SourceRange | undefined;

export interface CompiledExpression {
  program: CelProgram;
  /** Where the expression is written in the pack (`rules[2].checks[0].assert`). */
  yamlPath: string;
}

export interface CompiledCheck {
  forEach?: { path: PathSegment[]; text: string };
  match?: CompiledExpression;
  assert: CompiledExpression;
  /** The finding's config path; `[*]` and `{index}` stand for the for_each index. */
  path?: string;
  message: MessageTemplate;
  messageYamlPath: string;
}

export function resolveRulePath(
  path: string | undefined,
  forEach: string | undefined,
  index: PathSegment | undefined,
): string | undefined {
  if (index === undefined) return path;
  const at = appendPath('', index); // `[3]` or `.key` / `["odd key"]`
  const bracket = at.startsWith('[') ? at : `.${at}`;
  if (path === undefined) return forEach === undefined ? undefined : `${forEach}${bracket}`;
  if (path.includes('[*]')) return path.replace('[*]', bracket);
  if (path.includes('{index}')) return path.replace('{index}', String(index));
  return path;
}

/** Whose budget a rule's evaluations are charged to: its pack (budget.ts, RunBudget). */
export interface BudgetOwner {
  key: string;
  label: string;
}

export function celRuleEvaluator(
  ruleMatch: CompiledExpression | undefined,
  checks: CompiledCheck[],
  locate: ExpressionLocator,
  owner?: BudgetOwner,
): (input: RuleInput) => RuleOutcome {
  return (input) => {
    const violations: Violation[] = [];
    const problems: RuleProblem[] = [];
    const account = owner ? input.budget?.account(owner.key, owner.label) : undefined;
    const problem = (expr: { yamlPath: string }, e: CelError) =>
      problems.push({ message: `${e.message} (in ${input.env})`, location: locate(expr.yamlPath, e) });
    // Once the pack's budget for the run is spent, the rest is skipped, and said so once.
    let said = false;
    const spent = (): boolean => {
      if (!account?.exhausted) return false;
      if (!said && problems.length === 0)
        problems.push({ message: `${account.exceeded().message} (in ${input.env})` });
      said = true;
      return true;
    };
    const truth = (expr: CompiledExpression, act: Record<string, unknown>): boolean | undefined => {
      const r = expr.program.evaluate(act, undefined, account);
      if (!r.ok) {
        problem(expr, r.error);
        return undefined;
      }
      if (typeof r.value !== 'boolean') {
        problem(expr, {
          code: 'wrong_result_type',
          message: `expected a bool, got ${formatCelValue(r.value)}`,
          start: 0,
          end: expr.program.source.length,
        });
        return undefined;
      }
      return r.value;
    };

    if (spent()) return { violations, problems };
    const base = input.activation();
    if (ruleMatch && truth(ruleMatch, base) !== true) return { violations, problems };

    for (const check of checks) {
      if (spent()) break;
      const one = (act: Record<string, unknown>, index: PathSegment | undefined) => {
        if (check.match && truth(check.match, act) !== true) return;
        if (truth(check.assert, act) !== false) return;
        const message = renderMessage(
          check.message,
          act,
          (e) => problem({ yamlPath: check.messageYamlPath }, e),
          account,
        );
        violations.push({ path: resolveRulePath(check.path, check.forEach?.text, index), message });
      };
      if (!check.forEach) {
        one(base, undefined);
        continue;
      }
      const coll = getAtPath(base.config, check.forEach.path);
      if (Array.isArray(coll)) {
        for (const [i, item] of coll.entries()) {
          if (spent()) break;
          one({ ...base, item, index: BigInt(i) }, i);
        }
      } else if (coll !== null && typeof coll === 'object') {
        for (const [k, item] of Object.entries(coll)) {
          if (spent()) break;
          one({ ...base, item, index: k }, k);
        }
      }
    }
    return { violations, problems };
  };
}
