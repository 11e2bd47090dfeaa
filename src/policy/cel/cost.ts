/**
 * What each CEL operation costs, from the sizes of its inputs, before it runs (budget.ts
 * explains the units: cost ≈ 10 ns of work, memory in estimated bytes). The figures were
 * measured on Node 20 (docs/policies.md, "Budget"): scanning a string is 1 unit a
 * character, copying one 3, a substring search 5, counting code points 10, `split` 20,
 * copying a list 12 a slot; a regular expression is charged its input
 * length times the size of its RE2 program (regex.ts), since RE2's simulation visits every
 * instruction for every character at worst. An operation not listed here is charged the
 * sizes of its arguments, deeply.
 */

/** Cost of evaluating one AST node (a step of a comprehension body runs all of its nodes). */
export const NODE_COST = 5;
/** Estimated bytes: a character of a string, a slot of a list, an entry of a map. */
export const CHAR_BYTES = 2;
export const SLOT_BYTES = 8;
export const ENTRY_BYTES = 64;

export interface Charge {
  cost: number;
  memory: number;
}

const sizes = new WeakMap<object, { length: number; size: number }>();

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** Elements of a list, entries of a map, characters of a string, bytes of bytes; else 1. */
export function shallowSize(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v === null || typeof v !== 'object') return 1;
  if (Array.isArray(v) || isBytes(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return 1;
  return deepSize(v); // plain objects are cached: counting keys is not free
}

/**
 * The size of a value as a tree: every character, byte, element and entry, with shared
 * parts counted each time they appear (what comparing or printing it costs). Lists and
 * maps are measured once (cached; a list is re-measured if its length changed).
 */
export function deepSize(v: unknown): number {
  if (typeof v === 'string') return 1 + v.length;
  if (v === null || typeof v !== 'object') return 1;
  if (isBytes(v)) return 1 + v.length;
  const length = Array.isArray(v) ? v.length : -1;
  const hit = sizes.get(v);
  if (hit && hit.length === length) return hit.size;
  let size = 1;
  if (Array.isArray(v) || v instanceof Set) for (const x of v) size += deepSize(x);
  else if (v instanceof Map) for (const [k, x] of v) size += deepSize(k) + deepSize(x);
  else {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      for (const k in v) size += 1 + k.length + deepSize((v as Record<string, unknown>)[k]);
    }
  }
  sizes.set(v, { length, size });
  return size;
}

function strLen(v: unknown): number {
  return typeof v === 'string' ? v.length : 0;
}

function sum(args: readonly unknown[], f: (v: unknown) => number): number {
  let n = 0;
  for (const a of args) n += f(a);
  return n;
}

/** Charges of `+`: the result is as big as both sides (V8 defers copying strings; we do not). */
function plus(a: unknown, b: unknown): Charge {
  if (typeof a === 'string' && typeof b === 'string') {
    const n = a.length + b.length;
    return { cost: 1 + n, memory: n * CHAR_BYTES };
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    // cel-js copies lists with spread syntax: about 120 ns a slot (measured).
    const n = a.length + b.length;
    return { cost: 1 + 12 * n, memory: n * SLOT_BYTES };
  }
  if (isBytes(a) && isBytes(b)) {
    const n = a.length + b.length;
    return { cost: 1 + n / 8, memory: n };
  }
  return { cost: 1, memory: 0 };
}

function linear(perUnit: number, memoryPerUnit: number) {
  return (args: readonly unknown[]): Charge => {
    const n = sum(args, shallowSize);
    return { cost: 1 + n * perUnit, memory: n * memoryPerUnit };
  };
}

const SCAN = linear(1, 0);
const COPY = linear(3, CHAR_BYTES);
const SEARCH = linear(5, 0);
/** Conversions between strings and bytes (hex doubles, UTF-8 triples, base64 4/3). */
const CONVERT = linear(2, 4);
const PARSE = linear(10, 0);

const FUNCTIONS: Record<string, (args: readonly unknown[]) => Charge> = {
  // Counting code points iterates the string: about 100 ns a character (measured).
  size: (args) => ({ cost: 1 + 10 * strLen(args[0]), memory: 0 }),
  contains: SEARCH,
  startsWith: SEARCH,
  endsWith: SEARCH,
  indexOf: SEARCH,
  lastIndexOf: SEARCH,
  lowerAscii: COPY,
  upperAscii: COPY,
  trim: COPY,
  substring: COPY,
  charAt: SCAN,
  split: (args) => {
    const s = strLen(args[0]);
    const sep = strLen(args[1]);
    const pieces = sep === 0 ? s + 1 : Math.floor(s / sep) + 1;
    return { cost: 1 + 20 * s + 2 * pieces, memory: s * CHAR_BYTES + pieces * (SLOT_BYTES + 24) };
  },
  join: (args) => {
    const list = Array.isArray(args[0]) ? (args[0] as unknown[]) : [];
    const n = sum(list, strLen) + Math.max(0, list.length - 1) * strLen(args[1]);
    return { cost: 1 + n + list.length, memory: n * CHAR_BYTES };
  },
  string: CONVERT,
  bytes: CONVERT,
  hex: CONVERT,
  base64: CONVERT,
  json: (args) => {
    const n = sum(args, shallowSize);
    return { cost: 1 + 10 * n, memory: 16 * n };
  },
  int: PARSE,
  uint: PARSE,
  double: PARSE,
  bool: PARSE,
  duration: PARSE,
  timestamp: PARSE,
  percent: PARSE,
  byteSize: PARSE,
  satisfies: PARSE,
  valid: PARSE,
  // Reading a timestamp in a named time zone goes through Intl: microseconds each.
  getDate: () => ({ cost: 200, memory: 0 }),
  getDayOfMonth: () => ({ cost: 200, memory: 0 }),
  getDayOfWeek: () => ({ cost: 200, memory: 0 }),
  getDayOfYear: () => ({ cost: 200, memory: 0 }),
  getFullYear: () => ({ cost: 200, memory: 0 }),
  getHours: () => ({ cost: 200, memory: 0 }),
  getMinutes: () => ({ cost: 200, memory: 0 }),
  getSeconds: () => ({ cost: 200, memory: 0 }),
  getMilliseconds: () => ({ cost: 200, memory: 0 }),
  getMonth: () => ({ cost: 200, memory: 0 }),
  retryBackoff: () => ({ cost: 1000, memory: 0 }),
  // O(1) whatever the argument: no need to measure it.
  isPort: () => ({ cost: 1, memory: 0 }),
  isPrivilegedPort: () => ({ cost: 1, memory: 0 }),
  dyn: () => ({ cost: 1, memory: 0 }),
  type: () => ({ cost: 1, memory: 0 }),
  has: () => ({ cost: 1, memory: 0 }),
};

/** The charge of calling `name` (a function, or a receiver's method) with `args`. */
export function functionCharge(name: string, args: readonly unknown[]): Charge {
  const f = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (f) return f(args);
  return { cost: 1 + sum(args, deepSize), memory: 0 };
}

/** The charge of a binary operator on its evaluated operands. */
export function operatorCharge(op: string, a: unknown, b: unknown): Charge {
  switch (op) {
    case '+':
      return plus(a, b);
    case '==':
    case '!=':
      // Deep equality walks both sides at worst.
      return { cost: 1 + (typeof a === 'object' ? deepSize(a) + deepSize(b) : strLen(a)), memory: 0 };
    case 'in':
      // `x in list` compares x with every element; `k in map` hashes k.
      return Array.isArray(b) || b instanceof Set
        ? { cost: 1 + deepSize(b) + deepSize(a) * shallowSize(b), memory: 0 }
        : { cost: 1 + strLen(a), memory: 0 };
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { cost: 1 + Math.min(strLen(a), strLen(b)), memory: 0 };
    default:
      return { cost: 1, memory: 0 };
  }
}
