/** What a job has durably written so far: counts, key range, cursor range, high-water mark. */
import type { Checkpoint } from './state/store.js';
import { type Row, type SqlValue, compareValues, loadValue, storeValue } from './row.js';

/** The mutable state of a running job; becomes a Checkpoint when durably written. */
/** What one stretch of rows held, in key order. */
export interface ProgressStats {
  rows: number;
  firstKey?: SqlValue;
  lastKey?: SqlValue;
  minCursor?: SqlValue;
  maxCursor?: SqlValue;
  highKey?: SqlValue;
}

export class Progress implements ProgressStats {
  rows: number;
  replaced: number;
  firstKey?: SqlValue;
  lastKey?: SqlValue;
  minCursor?: SqlValue;
  maxCursor?: SqlValue;
  highKey?: SqlValue;

  constructor(cp: Checkpoint) {
    this.rows = cp.rows;
    this.replaced = cp.replaced;
    this.firstKey = cp.firstKey && loadValue(cp.firstKey);
    this.lastKey = cp.lastKey && loadValue(cp.lastKey);
    this.minCursor = cp.minCursor && loadValue(cp.minCursor);
    this.maxCursor = cp.maxCursor && loadValue(cp.maxCursor);
    this.highKey = cp.highWater && loadValue(cp.highWater.key);
  }

  checkpoint(bytes: number): Checkpoint {
    const s = (v: SqlValue | undefined) => (v === undefined || v === null ? undefined : storeValue(v));
    return {
      rows: this.rows,
      bytes,
      replaced: this.replaced,
      firstKey: s(this.firstKey),
      lastKey: s(this.lastKey),
      minCursor: s(this.minCursor),
      maxCursor: s(this.maxCursor),
      highWater:
        this.maxCursor !== undefined &&
        this.highKey !== undefined &&
        this.maxCursor !== null &&
        this.highKey !== null
          ? { cursor: storeValue(this.maxCursor), key: storeValue(this.highKey) }
          : undefined,
    };
  }

  stats(): ProgressStats {
    const { rows, firstKey, lastKey, minCursor, maxCursor, highKey } = this;
    return { rows, firstKey, lastKey, minCursor, maxCursor, highKey };
  }

  /** Adds what a later range (in key order) wrote, as tracked by its own Progress. */
  merge(next: ProgressStats): void {
    if (next.rows === 0) return;
    if (this.rows === 0 || this.firstKey === undefined) this.firstKey = next.firstKey;
    this.lastKey = next.lastKey;
    if (
      next.minCursor !== undefined &&
      (this.minCursor === undefined || compareValues(next.minCursor, this.minCursor) < 0)
    ) {
      this.minCursor = next.minCursor;
    }
    if (next.maxCursor !== undefined) {
      const c = this.maxCursor === undefined ? 1 : compareValues(next.maxCursor, this.maxCursor);
      if (c >= 0) {
        this.maxCursor = next.maxCursor;
        this.highKey = next.highKey;
      }
    }
    this.rows += next.rows;
  }

  /** Tracks key and cursor ranges over rows written in key order (call before adding to `rows`). */
  track(rows: readonly Row[], keyIndex: number, cursorIndex: number): void {
    if (rows.length === 0) return;
    if (this.rows === 0 || this.firstKey === undefined) this.firstKey = rows[0][keyIndex];
    this.lastKey = rows[rows.length - 1][keyIndex];
    if (cursorIndex < 0) return;
    for (const row of rows) {
      const c = row[cursorIndex];
      if (c === null) continue;
      if (this.minCursor === undefined || compareValues(c, this.minCursor) < 0) this.minCursor = c;
      if (this.maxCursor === undefined || compareValues(c, this.maxCursor) > 0) {
        this.maxCursor = c;
        this.highKey = row[keyIndex];
      } else if (compareValues(c, this.maxCursor) === 0) {
        this.highKey = row[keyIndex];
      }
    }
  }
}
