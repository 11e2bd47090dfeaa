/**
 * A bound on one evaluation, in three measures checked together at every charge:
 * - cost: abstract units, about 10 ns of work each (see cost.ts for what each operation
 *   charges: AST nodes run in comprehensions, characters scanned, elements compared,
 *   regular-expression input × program size);
 * - memory: bytes the evaluation allocates, estimated (strings 2 bytes a character, list
 *   slots 8 bytes…), counted cumulatively, so it bounds the peak too;
 * - time: a wall-clock deadline, read at charges.
 * Operations are charged before they run, from the sizes of their inputs: work that would
 * exceed the budget is never started. Once exceeded, the meter stays exceeded: every later
 * charge throws again, and the evaluation fails even if CEL swallowed the error
 * (`huge || true`, `exists` over erroring steps).
 */
export interface CelBudget {
  /** Cost units one evaluation may spend. */
  maxCost: number;
  /** Estimated bytes one evaluation may allocate. */
  maxMemoryBytes: number;
  /** Wall-clock time one evaluation may take, in milliseconds. */
  timeoutMs: number;
}

export const DEFAULT_BUDGET: CelBudget = {
  maxCost: 10_000_000,
  maxMemoryBytes: 64 * 1024 * 1024,
  timeoutMs: 100,
};

/** Where in the expression the budget ran out (offsets into its source). */
export interface BudgetSite {
  start: number;
  end: number;
}

export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
  readonly code = 'budget_exceeded';
  constructor(
    message: string,
    readonly range?: BudgetSite,
  ) {
    super(message);
  }
}

interface Meter {
  cost: number;
  memory: number;
  deadline: number;
  budget: CelBudget;
  /** Charges left before the clock is read again. */
  untilClock: number;
  exceeded?: BudgetExceeded;
}

/** Read the clock at least every this many charges (and on every big one). */
const CLOCK_EVERY = 32;
const BIG_CHARGE = 10_000;

/** The evaluation in progress. Evaluation is synchronous, so one slot suffices. */
let current: Meter | undefined;

export function runMetered<T>(budget: CelBudget, fn: () => T): T {
  const outer = current;
  const meter: Meter = {
    cost: 0,
    memory: 0,
    deadline: performance.now() + budget.timeoutMs,
    budget,
    untilClock: CLOCK_EVERY,
  };
  current = meter;
  try {
    const value = fn();
    if (meter.exceeded) throw meter.exceeded;
    return value;
  } catch (err) {
    // An error CEL raised after (or because of) the budget running out is the budget's.
    throw meter.exceeded ?? err;
  } finally {
    current = outer;
  }
}

function exceed(m: Meter, message: string, at: BudgetSite | undefined): never {
  m.exceeded = new BudgetExceeded(message, at ? { start: at.start, end: at.end } : undefined);
  throw m.exceeded;
}

/**
 * Charges `cost` units and `memoryBytes` of allocation to the evaluation in progress, at
 * `at` (the AST node doing the work). Throws BudgetExceeded when a bound is crossed.
 */
export function charge(cost: number, memoryBytes = 0, at?: BudgetSite): void {
  const m = current;
  if (!m) return;
  if (m.exceeded) throw m.exceeded;
  m.cost += cost;
  m.memory += memoryBytes;
  if (m.cost > m.budget.maxCost) {
    exceed(
      m,
      `evaluation exceeded its cost budget of ${m.budget.maxCost.toLocaleString('en-US')} units (work on large strings or lists, or nested loops)`,
      at,
    );
  }
  if (m.memory > m.budget.maxMemoryBytes) {
    exceed(
      m,
      `evaluation exceeded its memory budget of ${Math.round(m.budget.maxMemoryBytes / 1048576)} MiB (strings or lists grown too large)`,
      at,
    );
  }
  if (--m.untilClock <= 0 || cost >= BIG_CHARGE) {
    m.untilClock = CLOCK_EVERY;
    if (performance.now() > m.deadline) {
      exceed(m, `evaluation exceeded its time budget of ${m.budget.timeoutMs} ms`, at);
    }
  }
}
