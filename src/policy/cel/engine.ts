/**
 * Our interface over cel-js: compile once (parse + type-check at load, so a broken rule is
 * reported where it is written), evaluate many times with errors as values, under a budget.
 * Nothing else in exportctl imports cel-js.
 *
 * Two things are changed in every compiled program, on its checked AST:
 * - `string.matches` runs on RE2 (re2js) instead of JavaScript's backtracking RegExp;
 * - every comprehension is metered (see budget.ts).
 * cel-js is pinned exactly; test/policy/cel-engine.test.ts and the conformance test fail
 * if a new version moves the internals this relies on.
 */
import { Environment } from '@marcbachmann/cel-js';
import { BudgetExceeded, type CelBudget, charge, DEFAULT_BUDGET, rangeSize, runMetered } from './budget.js';
import { registerExportctlFunctions } from './functions.js';
import { re2Matches, re2Problem } from './regex.js';

/** A compile or evaluation error; `start`/`end` are offsets into the expression. */
export interface CelError {
  code: string;
  message: string;
  start: number;
  end: number;
}

export type CelOutcome<T> = { ok: true; value: T } | { ok: false; error: CelError };

export interface CelProgram {
  readonly source: string;
  /** The type the checker inferred (`bool`, `int`, `dyn`…). */
  readonly type: string;
  evaluate(activation: Record<string, unknown>, budget?: CelBudget): CelOutcome<unknown>;
}

export interface CelEngineOptions {
  /** Declared variables: name → CEL type (`map<string, dyn>`, `string`, `dyn`…). */
  variables?: Record<string, string>;
  /** Accept undeclared identifiers as `dyn` (the conformance suite needs this; packs do not get it). */
  unlistedVariablesAreDyn?: boolean;
  /** Refuse list and map literals mixing types (CEL's default). */
  homogeneousAggregateLiterals?: boolean;
  /** Parse-time limits (cel-js names). */
  limits?: { maxAstNodes?: number; maxDepth?: number; maxListElements?: number; maxMapEntries?: number };
}

export interface CompileOptions {
  /** The result type the expression must have (`bool` for asserts); `dyn` also passes. */
  expect?: string;
}

export const DEFAULT_LIMITS = { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000 };

interface CelJsError {
  name?: string;
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

function toCelError(err: unknown, source: string, at?: { start: number; end: number }): CelError {
  const e = (err ?? {}) as CelJsError;
  const range = e.range ?? at ?? { start: 0, end: source.length };
  const message = e.summary ?? (typeof e.message === 'string' ? e.message.split('\n')[0] : String(err));
  return {
    code: e.code ?? (err instanceof BudgetExceeded ? err.code : 'error'),
    message,
    start: range.start,
    end: range.end,
  };
}

/** cel-js AST node, as far as this module touches it. */
interface Node {
  op: string;
  args: unknown;
  start: number;
  end: number;
  handle?: (...a: unknown[]) => unknown;
  readonly meta?: { alternate?: Node; macro?: { args?: unknown; macroHasProps?: unknown } };
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && typeof (v as Node).op === 'string' && 'args' in (v as object);
}

/** Every AST node reachable from the root, including macro expansions (comprehensions). */
function walk(root: Node, visit: (n: Node) => void): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    if (!isNode(v)) continue;
    visit(v);
    const args = v.args;
    if (Array.isArray(args)) stack.push(...args);
    else if (isNode(args)) stack.push(args);
    else if (args !== null && typeof args === 'object') stack.push(...Object.values(args));
    const meta = v.meta;
    if (meta?.alternate) stack.push(meta.alternate);
    if (meta?.macro?.args) stack.push(meta.macro.args);
  }
}

class Instrumented extends Error {}

/**
 * Swaps in RE2 for `matches` and meters comprehensions. Returns an error for a constant
 * regular expression that RE2 refuses (backreferences, lookaround…).
 */
function instrument(root: Node): CelError | undefined {
  let problem: CelError | undefined;
  walk(root, (n) => {
    if (
      n.op === 'rcall' &&
      Array.isArray(n.args) &&
      n.args[0] === 'matches' &&
      (n.args[2] as unknown[]).length === 1
    ) {
      if (typeof n.handle !== 'function') throw new Instrumented('matches() node was not type-checked');
      const pattern = (n.args[2] as Node[])[0];
      if (pattern.op === 'value' && typeof pattern.args === 'string') {
        const why = re2Problem(pattern.args);
        if (why && !problem)
          problem = {
            code: 'invalid_regular_expression',
            message: why,
            start: pattern.start,
            end: pattern.end,
          };
      }
      n.handle = (args: unknown) => {
        const [text, re] = args as unknown[];
        if (typeof text !== 'string' || typeof re !== 'string')
          throw new Error('no such overload: matches needs (string, string)');
        return re2Matches(text, re);
      };
    } else if (n.op === 'comprehension') {
      const inner = n.handle;
      if (typeof inner !== 'function') throw new Instrumented('comprehension node was not type-checked');
      n.handle = (range: unknown, ...rest: unknown[]) => {
        charge(rangeSize(range));
        return inner(range, ...rest);
      };
    }
  });
  return problem;
}

export class CelEngine {
  readonly #env: Environment;

  constructor(options: CelEngineOptions = {}) {
    this.#env = new Environment({
      unlistedVariablesAreDyn: options.unlistedVariablesAreDyn ?? false,
      homogeneousAggregateLiterals: options.homogeneousAggregateLiterals ?? true,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
    });
    for (const [name, type] of Object.entries(options.variables ?? {}))
      this.#env.registerVariable(name, type);
    registerExportctlFunctions(this.#env);
  }

  compile(source: string, options: CompileOptions = {}): CelOutcome<CelProgram> {
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = this.#env.parse(source);
    } catch (err) {
      return { ok: false, error: toCelError(err, source) };
    }
    const checked = parsed.check();
    if (!checked.valid) return { ok: false, error: toCelError(checked.error, source) };
    const type = checked.type ?? 'dyn';
    if (options.expect && type !== options.expect && type !== 'dyn') {
      return {
        ok: false,
        error: {
          code: 'wrong_result_type',
          message: `expression must evaluate to ${options.expect}, not ${type}`,
          start: 0,
          end: source.length,
        },
      };
    }
    let problem: CelError | undefined;
    try {
      problem = instrument(parsed.ast as unknown as Node);
    } catch (err) {
      // Never evaluate a program whose regexes or loops could not be bounded.
      problem = {
        code: 'internal',
        message: `cannot bound this expression: ${(err as Error).message}`,
        start: 0,
        end: source.length,
      };
    }
    if (problem) return { ok: false, error: problem };
    const run = parsed;
    return {
      ok: true,
      value: {
        source,
        type,
        evaluate(activation, budget = DEFAULT_BUDGET) {
          try {
            const value = runMetered(budget, () => run(activation));
            if (value instanceof Promise) {
              return {
                ok: false,
                error: {
                  code: 'async',
                  message: 'asynchronous functions are not allowed',
                  start: 0,
                  end: source.length,
                },
              };
            }
            return { ok: true, value };
          } catch (err) {
            return { ok: false, error: toCelError(err, source) };
          }
        },
      },
    };
  }
}
