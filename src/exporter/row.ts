/** Values as sources hand them over: SQLite's native types, PostgreSQL's text format. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = SqlValue[];

/**
 * How JSONL renders a column: `auto` by the JS type (SQLite), the others say what a
 * PostgreSQL text value holds (numbers and booleans stay JSON numbers and booleans).
 */
export type ColumnKind = 'auto' | 'text' | 'number' | 'boolean' | 'json';

/** A key or cursor value as stored in checkpoints and high-water marks. */
export type StoredValue = { t: 'n'; v: number } | { t: 's'; v: string } | { t: 'b'; v: string };

export function storeValue(v: SqlValue): StoredValue {
  if (typeof v === 'number') return { t: 'n', v };
  if (typeof v === 'bigint') return { t: 'b', v: v.toString() };
  if (typeof v === 'string') return { t: 's', v };
  throw new TypeError(`a key or cursor cannot be ${v === null ? 'NULL' : 'a blob'}`);
}

export function loadValue(s: StoredValue): string | number | bigint {
  return s.t === 'b' ? BigInt(s.v) : s.v;
}

const INTEGER_TEXT = /^-?\d+$/;

/**
 * Orders cursors as the database does for one column's type: numbers as numbers (also
 * integers in PostgreSQL's text format, where "10" follows "9"), other text as text.
 */
export function compareValues(a: SqlValue, b: SqlValue): number {
  if (typeof a === 'string' && typeof b === 'string') {
    if (INTEGER_TEXT.test(a) && INTEGER_TEXT.test(b)) {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = typeof a === 'bigint' ? a : Number(a);
  const y = typeof b === 'bigint' ? b : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
