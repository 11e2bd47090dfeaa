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
  timeoutMs: 500,
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

/**
 * What many evaluations may spend together: a policy pack over one run of `check` (every
 * rule, environment and `for_each` element). Each evaluation is limited to what is left.
 */
export class BudgetAccount {
  cost = 0;
  ms = 0;
  constructor(
    /** Who spends it, for messages: `policy pack team-rules`. */
    readonly label: string,
    readonly limits: { maxCost: number; timeoutMs: number },
  ) {}

  get exhausted(): boolean {
    return this.cost >= this.limits.maxCost || this.ms >= this.limits.timeoutMs;
  }

  exceeded(at?: BudgetSite): BudgetExceeded {
    return new BudgetExceeded(
      `${this.label} exceeded its budget for this run (${this.limits.maxCost.toLocaleString('en-US')} units or ${this.limits.timeoutMs} ms over all its evaluations); its remaining evaluations are skipped`,
      at ? { start: at.start, end: at.end } : undefined,
    );
  }
}

/** The accounts of one run of `check`, by who spends them (a pack's file). */
export class RunBudget {
  readonly #accounts = new Map<string, BudgetAccount>();
  constructor(readonly limits = PACK_BUDGET) {}

  account(key: string, label: string): BudgetAccount {
    let a = this.#accounts.get(key);
    if (!a) {
      a = new BudgetAccount(label, this.limits);
      this.#accounts.set(key, a);
    }
    return a;
  }
}

/** What one policy pack may spend in one run of `check`. */
export const PACK_BUDGET = { maxCost: 200_000_000, timeoutMs: 5_000 };

interface Meter {
  cost: number;
  memory: number;
  deadline: number;
  budget: CelBudget;
  account?: BudgetAccount;
  /** Charges left before the clock is read again. */
  untilClock: number;
  exceeded?: BudgetExceeded;
}

/** Read the clock at least every this many charges (and on every big one). */
const CLOCK_EVERY = 32;
const BIG_CHARGE = 10_000;

/** The evaluation in progress. Evaluation is synchronous, so one slot suffices. */
let current: Meter | undefined;

export function runMetered<T>(budget: CelBudget, fn: () => T, account?: BudgetAccount): T {
  if (account?.exhausted) throw account.exceeded();
  const outer = current;
  const start = performance.now();
  const meter: Meter = {
    cost: 0,
    memory: 0,
    deadline: start + budget.timeoutMs,
    budget,
    account,
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
    if (account) {
      account.cost += meter.cost;
      account.ms += performance.now() - start;
    }
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
  // Work refused is not done: it is not counted, here or in the pack's account.
  const cost2 = m.cost + cost;
  const memory2 = m.memory + memoryBytes;
  if (cost2 > m.budget.maxCost) {
    exceed(
      m,
      `evaluation exceeded its cost budget of ${m.budget.maxCost.toLocaleString('en-US')} units (work on large strings or lists, or nested loops)`,
      at,
    );
  }
  if (memory2 > m.budget.maxMemoryBytes) {
    exceed(
      m,
      `evaluation exceeded its memory budget of ${Math.round(m.budget.maxMemoryBytes / 1048576)} MiB (strings or lists grown too large)`,
      at,
    );
  }
  const a = m.account;
  if (a && a.cost + cost2 > a.limits.maxCost) {
    m.exceeded = a.exceeded(at);
    throw m.exceeded;
  }
  m.cost = cost2;
  m.memory = memory2;
  if (--m.untilClock <= 0 || cost >= BIG_CHARGE) {
    m.untilClock = CLOCK_EVERY;
    const now = performance.now();
    if (now > m.deadline) {
      exceed(m, `evaluation exceeded its time budget of ${m.budget.timeoutMs} ms`, at);
    }
    if (a && a.ms + now - (m.deadline - m.budget.timeoutMs) > a.limits.timeoutMs) {
      m.exceeded = a.exceeded(at);
      throw m.exceeded;
    }
  }
}
