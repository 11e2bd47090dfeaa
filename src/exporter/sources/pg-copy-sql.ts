/**
 * The SELECT list of a PostgreSQL `COPY (SELECT …) TO STDOUT` that writes an export's rows
 * byte for byte as the JS formatter (format.ts) writes them from the rows node-postgres
 * hands over, so the server does the projection, the truncation and the text.
 *
 * The JS path sees every value in the type's text output form. `col::text` is that form for
 * every type except those whose cast to text is a function that differs (bool → `true`
 * where the output is `t`, char(n) loses its padding, inet gains `/32`): those are
 * rendered with `format('%s', col)`, which calls the output function. `left(…, n)` counts
 * characters, i.e. code points in a UTF-8 database, as truncateCodePoints does.
 *
 * JSONL lines are built as text (not json_build_object, whose number and timestamp forms
 * differ from the JS writer's): keys as JSON.stringify spells them, text through to_json
 * (PostgreSQL escapes `"`, `\`, \b \f \n \r \t and other C0 controls as \u00xx, lowercase,
 * as JSON.stringify does), numbers as their text when it is a JSON number, else a string,
 * booleans as true/false. JSON columns are not rendered here: the JS writer re-serializes
 * them (JSON.parse, JSON.stringify), which no SQL expression reproduces.
 */
import type { ColumnKind } from '../row.js';
import { quoteIdent } from './source.js';

/** PostgreSQL's int4 maximum, the largest count `left()` accepts. */
const PG_MAX_INT = 2_147_483_647;

export interface CopyColumn {
  /** Source column. */
  from: string;
  /** Type OID (from a LIMIT 0 query). */
  oid: number;
  /** Truncation to this many characters. */
  maxLength?: number;
}

/** How COPY writes the rows: CSV fields, or one JSON object per line. */
export type CopyRowFormat =
  | { format: 'csv' }
  | { format: 'jsonl'; names: readonly string[]; kinds: readonly ColumnKind[] };

/** The JS writer's test for a PostgreSQL number text that is a JSON number (format.ts). */
const JSON_NUMBER_RE = '^-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?$';

/** COPY options that leave a JSON line as it is: no quote, delimiter or NULL it could hold. */
export const JSONL_COPY_OPTIONS = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'";

/** A string constant, whatever standard_conforming_strings says. */
function literal(s: string): string {
  return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The value's text output form (what node-postgres hands the JS path), truncated when asked.
 * `textCastDiffers`: type OIDs whose `::text` is not their output form.
 */
export function textExpr(col: CopyColumn, textCastDiffers: ReadonlySet<number>): string {
  const q = quoteIdent(col.from);
  const text = textCastDiffers.has(col.oid)
    ? `CASE WHEN ${q} IS NULL THEN NULL ELSE format('%s', ${q}) END`
    : `${q}::text`;
  if (col.maxLength === undefined) return text;
  // left() takes an int; a text value holds at most 1 GB, so a larger cut is the same cut.
  return `left(${text}, ${Math.min(col.maxLength, PG_MAX_INT)})`;
}

/** One CSV field: the column itself (COPY writes its output form), or its truncated text. */
function csvExpr(col: CopyColumn, textCastDiffers: ReadonlySet<number>): string {
  return col.maxLength === undefined ? quoteIdent(col.from) : textExpr(col, textCastDiffers);
}

/** One JSON value, never NULL, as format.ts's jsonValue writes it for `kind`. */
function jsonExpr(col: CopyColumn, kind: ColumnKind, textCastDiffers: ReadonlySet<number>): string {
  const v = textExpr(col, textCastDiffers);
  switch (kind) {
    case 'number':
      return `coalesce(CASE WHEN ${v} ~ '${JSON_NUMBER_RE}' THEN ${v} ELSE to_json(${v})::text END, 'null')`;
    case 'boolean':
      return `CASE WHEN ${v} IS NULL THEN 'null' WHEN ${v} IN ('t', 'true') THEN 'true' ELSE 'false' END`;
    case 'json':
      throw new TypeError('JSON columns are rendered by the JS writer');
    default:
      return `coalesce(to_json(${v})::text, 'null')`;
  }
}

/** Whether COPY can write these columns as the JS writer would. */
export function copyCanRender(row: CopyRowFormat): boolean {
  return row.format === 'csv' || !row.kinds.some((k) => k === 'json');
}

/** The select list: the output columns (CSV), or one expression per JSON line. */
export function copySelectList(
  cols: readonly CopyColumn[],
  row: CopyRowFormat,
  textCastDiffers: ReadonlySet<number>,
): string {
  if (row.format === 'csv') return cols.map((c) => csvExpr(c, textCastDiffers)).join(', ');
  if (cols.length === 0) return literal('{}');
  const parts = cols.map((c, i) => {
    const key = `${i === 0 ? '{' : ','}${JSON.stringify(row.names[i])}:`;
    return `${literal(key)} || ${jsonExpr(c, row.kinds[i] ?? 'text', textCastDiffers)}`;
  });
  return `${parts.join(' || ')} || '}'`;
}

/** Options of the COPY statement for a row format. */
export function copyOptions(row: CopyRowFormat): string {
  return row.format === 'csv' ? 'FORMAT csv' : JSONL_COPY_OPTIONS;
}
