/**
 * The transform stage: which source columns are read, in which order, under which output
 * names, truncated to how many characters (code points, never UTF-16 units).
 */
import { ExportError } from './errors.js';
import type { Row } from './row.js';
import type { ColumnSetting } from './settings.js';

export interface Projection {
  /** Output column names, in order. */
  names: string[];
  /** Source columns to select: the outputs' sources first, then key and cursor if not among them. */
  select: string[];
  /** Index of the key and of the incremental cursor in a selected row. */
  keyIndex: number;
  cursorIndex: number;
  /** Output i comes from selected column sourceIndex[i] (selected rows hold outputs first). */
  truncate: Array<{ index: number; maxLength: number }>;
}

export function buildProjection(
  sourceColumns: readonly string[],
  columns: readonly ColumnSetting[] | undefined,
  key: string,
  cursor: string | undefined,
): Projection {
  const available = new Set(sourceColumns);
  const cols = columns ?? sourceColumns.map((c) => ({ name: c, from: c, maxLength: undefined }));
  for (const c of cols) {
    if (!available.has(c.from)) {
      throw new ExportError('CONFIG_INVALID', `export.columns: the source has no column ${c.from}`, {
        path: 'export.columns',
      });
    }
  }
  if (!available.has(key)) {
    throw new ExportError('CONFIG_INVALID', `export.source.key: the source has no column ${key}`, {
      path: 'export.source.key',
    });
  }
  if (cursor !== undefined && !available.has(cursor)) {
    throw new ExportError(
      'CONFIG_INVALID',
      `export.source.incremental.column: the source has no column ${cursor}`,
      {
        path: 'export.source.incremental.column',
      },
    );
  }
  const select = cols.map((c) => c.from);
  // A truncated output column is not the key's value: the key is selected again.
  const untouched = (name: string) => cols.findIndex((c) => c.from === name && c.maxLength === undefined);
  let keyIndex = untouched(key);
  if (keyIndex < 0) keyIndex = select.push(key) - 1;
  let cursorIndex = -1;
  if (cursor !== undefined) {
    cursorIndex = untouched(cursor);
    if (cursorIndex < 0) cursorIndex = select.push(cursor) - 1;
  }
  const truncate = cols.flatMap((c, index) =>
    c.maxLength === undefined ? [] : [{ index, maxLength: c.maxLength }],
  );
  return {
    names: cols.map((c) => c.name),
    select,
    keyIndex,
    cursorIndex,
    truncate,
  };
}

/** The first `max` code points of `s`. */
export function truncateCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let units = 0;
  let points = 0;
  while (units < s.length && points < max) {
    const c = s.charCodeAt(units);
    const d = s.charCodeAt(units + 1);
    units += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    points++;
  }
  return s.slice(0, units);
}

/** Applies truncations in place (rows are the pipeline's own arrays). */
export function applyTruncation(
  rows: Row[],
  truncate: ReadonlyArray<{ index: number; maxLength: number }>,
): void {
  if (truncate.length === 0) return;
  for (const row of rows) {
    for (const t of truncate) {
      const v = row[t.index];
      if (typeof v === 'string' && v.length > t.maxLength) row[t.index] = truncateCodePoints(v, t.maxLength);
    }
  }
}
