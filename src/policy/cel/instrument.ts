/**
 * Changes made to every compiled program, on cel-js's checked AST (its nodes carry the
 * `handle` the checker chose for each call and operator, and `evaluate`):
 * - `string.matches` runs on RE2 (re2js) instead of JavaScript's backtracking RegExp;
 * - every function call and binary operator is charged from its arguments before it runs
 *   (cost.ts), every comprehension its range and each step its body, every list or map
 *   literal its slots (budget.ts meters the evaluation).
 * cel-js is pinned exactly; test/policy/cel-engine.test.ts and the conformance test fail
 * if a new version moves the internals this relies on.
 */
import { charge } from './budget.js';
import {
  CHAR_BYTES,
  ENTRY_BYTES,
  functionCharge,
  NODE_COST,
  operatorCharge,
  SLOT_BYTES,
  shallowSize,
} from './cost.js';
import { re2Matches, re2Problem, re2ProgramSize } from './regex.js';

type Evaluate = (ev: unknown, ast: unknown, ctx: unknown) => unknown;
type Handle = (...a: unknown[]) => unknown;

/** cel-js AST node, as far as this module touches it. */
export interface Node {
  op: string;
  args: unknown;
  start: number;
  end: number;
  handle?: Handle;
  evaluate: Evaluate;
  readonly meta?: {
    evaluate?: Evaluate;
    alternate?: Node;
    macro?: {
      args?: unknown;
      macroHasProps?: unknown;
      evaluate?: (ev: unknown, m: unknown, ctx: unknown) => unknown;
    };
  };
}

/** A problem found while instrumenting: an offset range into the expression. */
export interface InstrumentProblem {
  code: string;
  message: string;
  start: number;
  end: number;
}

export class NotInstrumentable extends Error {}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && typeof (v as Node).op === 'string' && 'args' in (v as object);
}

/** Every AST node reachable from the root, including macro expansions (comprehensions). */
export function walk(root: Node, visit: (n: Node) => void): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (!isNode(v)) continue;
    visit(v);
    const args = v.args;
    if (Array.isArray(args)) stack.push(args);
    else if (isNode(args)) stack.push(args);
    else if (args !== null && typeof args === 'object') for (const x of Object.values(args)) stack.push(x);
    const meta = v.meta;
    if (meta?.alternate) stack.push(meta.alternate);
    if (meta?.macro?.args) stack.push(meta.macro.args);
  }
}

/** Nodes one evaluation of `root` runs at most once each (comprehension bodies count once). */
export function nodeCount(root: Node): number {
  let n = 0;
  walk(root, () => n++);
  return n;
}

/** The evaluate function cel-js would settle on for this node (it swaps it in on first use). */
function resolvedEvaluate(n: Node): Evaluate {
  const meta = n.meta;
  const alternate = meta?.alternate;
  if (alternate) return (ev, _ast, ctx) => alternate.evaluate(ev, alternate, ctx);
  const macro = meta?.macro;
  if (macro) {
    if (typeof macro.evaluate !== 'function') throw new NotInstrumentable('macro without evaluate');
    return (ev, _ast, ctx) => (macro.evaluate as NonNullable<typeof macro.evaluate>)(ev, macro, ctx);
  }
  if (typeof meta?.evaluate !== 'function') throw new NotInstrumentable(`${n.op} node without evaluate`);
  return meta.evaluate;
}

function metered(n: Node, cost: number, memory: number): void {
  const inner = resolvedEvaluate(n);
  n.evaluate = (ev, ast, ctx) => {
    charge(cost, memory, n);
    return inner(ev, ast, ctx);
  };
}

const BINARY = new Set(['!=', '==', 'in', '+', '-', '*', '/', '%', '<', '<=', '>', '>=']);

/** Compiling a pattern that is not a constant: its length, about 1 µs a character. */
const REGEX_COMPILE_COST = 100;

function meteredMatches(n: Node): Handle {
  return (args: unknown) => {
    const [text, re] = args as unknown[];
    if (typeof text !== 'string' || typeof re !== 'string')
      throw new Error('no such overload: matches needs (string, string)');
    charge(1 + re.length * REGEX_COMPILE_COST, re.length * 64, n);
    charge(1 + text.length * re2ProgramSize(re), 0, n);
    return re2Matches(text, re);
  };
}

function wrapMatches(n: Node): InstrumentProblem | undefined {
  if (typeof n.handle !== 'function') throw new NotInstrumentable('matches() node was not type-checked');
  let problem: InstrumentProblem | undefined;
  const pattern = (n.args as unknown[])[2] as Node[];
  if (pattern[0].op === 'value' && typeof pattern[0].args === 'string') {
    const why = re2Problem(pattern[0].args);
    if (why)
      problem = {
        code: 'invalid_regular_expression',
        message: why,
        start: pattern[0].start,
        end: pattern[0].end,
      };
  }
  n.handle = meteredMatches(n);
  return problem;
}

function wrapComprehension(n: Node): void {
  const inner = n.handle;
  if (typeof inner !== 'function') throw new NotInstrumentable('comprehension node was not type-checked');
  n.handle = (range: unknown, ...rest: unknown[]) => {
    // A map is iterated over a copy of its keys.
    const size = shallowSize(range);
    charge(1 + size, Array.isArray(range) ? 0 : size * SLOT_BYTES, n);
    return inner(range, ...rest);
  };
  const step = (n.args as { step?: unknown }).step;
  if (!isNode(step)) throw new NotInstrumentable('comprehension without a step');
  // Each step runs the body's nodes and may push one slot onto the result list.
  metered(step, nodeCount(step) * NODE_COST, SLOT_BYTES);
}

function wrapCall(n: Node, name: string): void {
  const inner = n.handle as Handle;
  n.handle = (args: unknown, ...rest: unknown[]) => {
    if (Array.isArray(args)) {
      const c = functionCharge(name, args);
      charge(c.cost, c.memory, n);
    }
    return inner(args, ...rest);
  };
}

function wrapOperator(n: Node): void {
  const inner = n.handle as Handle;
  const op = n.op;
  n.handle = (left: unknown, right: unknown, ...rest: unknown[]) => {
    const c = operatorCharge(op, left, right);
    charge(c.cost, c.memory, n);
    return inner(left, right, ...rest);
  };
}

/**
 * Instruments a checked AST in place. Returns a problem for a constant regular expression
 * RE2 refuses (backreferences, lookaround…); throws NotInstrumentable when cel-js's
 * internals are not where this module expects them (then the program must not run).
 */
export function instrument(root: Node): InstrumentProblem | undefined {
  let problem: InstrumentProblem | undefined;
  walk(root, (n) => {
    switch (n.op) {
      case 'rcall':
      case 'call': {
        if (n.meta?.alternate || n.meta?.macro) return; // a macro: its expansion is walked
        if (typeof n.handle !== 'function') throw new NotInstrumentable(`${n.op} node was not type-checked`);
        const args = n.args as unknown[];
        const name = args[0] as string;
        if (n.op === 'rcall' && name === 'matches' && (args[2] as unknown[]).length === 1) {
          problem ??= wrapMatches(n);
        } else wrapCall(n, name);
        return;
      }
      case 'comprehension':
        wrapComprehension(n);
        return;
      case 'list':
        if (Array.isArray(n.args) && n.args.length > 0) metered(n, n.args.length, n.args.length * SLOT_BYTES);
        return;
      case 'map':
        if (Array.isArray(n.args) && n.args.length > 0)
          metered(n, n.args.length * 2, n.args.length * (ENTRY_BYTES + CHAR_BYTES));
        return;
      default:
        if (BINARY.has(n.op)) {
          if (typeof n.handle !== 'function')
            throw new NotInstrumentable(`${n.op} node was not type-checked`);
          wrapOperator(n);
        }
    }
  });
  return problem;
}
