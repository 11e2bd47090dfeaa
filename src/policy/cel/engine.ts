/**
 * Our interface over cel-js: compile once (parse + type-check at load, so a broken rule is
 * reported where it is written), evaluate many times with errors as values, under a budget
 * (budget.ts) that every function, operator and comprehension is charged to (instrument.ts).
 * Nothing else in exportctl imports cel-js.
 */
import { Environment } from '@marcbachmann/cel-js';
import {
  type BudgetAccount,
  BudgetExceeded,
  type CelBudget,
  charge,
  DEFAULT_BUDGET,
  runMetered,
} from './budget.js';
import { NODE_COST } from './cost.js';
import { registerExportctlFunctions } from './functions.js';
import { instrument, type Node, nodeCount } from './instrument.js';

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
  /** `account`: what this evaluation shares with others (its pack's budget for the run). */
  evaluate(
    activation: Record<string, unknown>,
    budget?: CelBudget,
    account?: BudgetAccount,
  ): CelOutcome<unknown>;
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

/** JavaScript's own limits (the call stack, the longest string) reached by an expression. */
function engineLimit(err: unknown): string | undefined {
  if (!(err instanceof RangeError)) return undefined;
  if (/call stack/i.test(err.message)) return 'expression is nested too deeply to evaluate';
  if (/string length|array length|allocation/i.test(err.message))
    return 'a value grew beyond what can be held';
  return undefined;
}

function toCelError(err: unknown, source: string, at?: { start: number; end: number }): CelError {
  const limit = engineLimit(err);
  if (limit) return { code: 'limit_exceeded', message: limit, start: 0, end: source.length };
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
    let weight = 0;
    try {
      problem = instrument(parsed.ast as unknown as Node);
      weight = nodeCount(parsed.ast as unknown as Node) * NODE_COST;
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
        evaluate(activation, budget = DEFAULT_BUDGET, account) {
          try {
            const value = runMetered(
              budget,
              () => {
                charge(weight);
                return run(activation);
              },
              account,
            );
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
