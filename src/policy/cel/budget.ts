/**
 * A bound on one evaluation. CEL has no loops, so its cost is the product of the sizes of
 * the lists its comprehensions (`all`, `exists`, `map`, `filter`…) range over. Every
 * comprehension charges its range's size before it runs, and the clock is read at each
 * charge: nested comprehensions over big lists stop at the step cap or the deadline.
 */
export interface CelBudget {
  /** Comprehension iterations one evaluation may run. */
  maxSteps: number;
  /** Wall-clock time one evaluation may take, in milliseconds. */
  timeoutMs: number;
}

export const DEFAULT_BUDGET: CelBudget = { maxSteps: 1_000_000, timeoutMs: 100 };

export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
  readonly code = 'budget_exceeded';
}

interface Meter {
  steps: number;
  deadline: number;
  budget: CelBudget;
}

/** The evaluation in progress. Evaluation is synchronous, so one slot suffices. */
let current: Meter | undefined;

export function runMetered<T>(budget: CelBudget, fn: () => T): T {
  const outer = current;
  current = { steps: 0, deadline: performance.now() + budget.timeoutMs, budget };
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** Called by every comprehension with the size of the list or map it ranges over. */
export function charge(iterations: number): void {
  const m = current;
  if (!m) return;
  m.steps += iterations + 1;
  if (m.steps > m.budget.maxSteps) {
    throw new BudgetExceeded(
      `evaluation exceeded its budget of ${m.budget.maxSteps} comprehension steps (nested loops over large lists?)`,
    );
  }
  if (performance.now() > m.deadline) {
    throw new BudgetExceeded(`evaluation exceeded its time budget of ${m.budget.timeoutMs} ms`);
  }
}

/** Size of a value a comprehension ranges over. */
export function rangeSize(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (value !== null && typeof value === 'object') {
    let n = 0;
    for (const _ in value) n++;
    return n;
  }
  return 0;
}
