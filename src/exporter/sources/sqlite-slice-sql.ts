/**
 * The SQL that makes SQLite write a slice's output text itself, byte for byte what the JS
 * formatter (format.ts) writes for the same rows: CSV quoted as PostgreSQL's COPY quotes it,
 * or JSONL; truncation by code points with `substr`; numbers in JS's (and PostgreSQL's)
 * shortest text. A value whose text SQL cannot reproduce exactly (a REAL beyond what
 * `%.15g` round-trips, an integer past 2^53 that JS would round) makes its line NULL, and
 * the caller formats that slice's rows in JS instead.
 */
import type { OutputFormat } from '../settings.js';
import { quoteIdent } from './source.js';

export interface SliceShape {
  format: OutputFormat;
  /** Output column names, in order. */
  names: readonly string[];
  /** Source column of each output, in order (Projection.select's first `names.length`). */
  select: readonly string[];
  /** Truncations by output index, in code points. */
  truncate: ReadonlyArray<{ index: number; maxLength: number }>;
}

/** A SQL string literal. */
export function sqlLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const MAX_SAFE = '9007199254740991';

/**
 * A number's text as JS's String(n) writes it, or NULL when SQL cannot be sure to match
 * (the caller then formats the slice in JS): integers up to 2^53 (better-sqlite3 rounds
 * larger ones to a double); whole REALs up to 2^53; REALs in [1e-4, 1e15) whose 15
 * significant digits (SQLite's CAST AS TEXT) read back as the same double: those digits
 * are then the shortest that do, as JS writes them, and both write them in plain notation.
 */
function integerText(c: string): string {
  return `CASE WHEN ${c} BETWEEN -${MAX_SAFE} AND ${MAX_SAFE} THEN CAST(${c} AS TEXT) END`;
}

function realText(c: string): string {
  return (
    `CASE WHEN ${c} BETWEEN -${MAX_SAFE} AND ${MAX_SAFE} AND ${c} = CAST(${c} AS INTEGER) THEN CAST(CAST(${c} AS INTEGER) AS TEXT) ` +
    `WHEN (${c} >= 1e-4 AND ${c} < 1e15 OR ${c} <= -1e-4 AND ${c} > -1e15) AND CAST(CAST(${c} AS TEXT) AS REAL) = ${c} THEN CAST(${c} AS TEXT) END`
  );
}

/**
 * A text value in CSV: quoted (quotes doubled) when empty or when it holds a comma, quote,
 * CR or LF, or when it is `\.` alone in a one-column export. Comparisons are BINARY
 * whatever the column's collation (RTRIM would find `' '` equal to `''`).
 */
function csvText(v: string, single: boolean): string {
  const dot = single ? ` OR ${v} = '\\.' COLLATE BINARY` : '';
  return `CASE WHEN ${v} GLOB '*[",\n\r]*' OR ${v} = '' COLLATE BINARY${dot} THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END`;
}

/**
 * One output value as text, by the value's storage class (SQLite types values, not
 * columns): text (truncated by `substr`, which counts code points as JS's truncation does)
 * quoted for CSV or JSON, a BLOB as `\x` and lower-case hex, a number as JS writes it, or
 * NULL when SQL cannot match JS (see integerText and realText, and below).
 */
function fieldText(
  format: OutputFormat,
  column: string,
  maxLength: number | undefined,
  single: boolean,
): string {
  const c = quoteIdent(column);
  const quote = (v: string) => (format === 'csv' ? csvText(v, single) : `json_quote(${v})`);
  let text = quote(c);
  if (maxLength !== undefined) {
    // NULL when substr stopped short at a NUL character (SQLite's text functions end
    // there; JS's strings do not).
    const t = `substr(${c}, 1, ${maxLength})`;
    text = `CASE WHEN length(${t}) < ${maxLength} AND octet_length(${t}) < octet_length(${c}) THEN NULL ELSE ${quote(t)} END`;
  }
  const numbers = `WHEN 'integer' THEN ${integerText(c)} WHEN 'real' THEN ${realText(c)}`;
  if (format === 'csv') {
    return `CASE typeof(${c}) WHEN 'text' THEN ${text} WHEN 'null' THEN '' ${numbers} ELSE '\\x' || lower(hex(${c})) END`;
  }
  return `CASE typeof(${c}) WHEN 'text' THEN ${text} WHEN 'null' THEN 'null' ${numbers} ELSE '"\\\\x' || lower(hex(${c})) || '"' END`;
}

/** The expression of one output line (with its LF); NULL when a value needs JS. */
export function lineExpression(shape: SliceShape): string {
  const n = shape.names.length;
  const max = new Map(shape.truncate.map((t) => [t.index, t.maxLength]));
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const field = fieldText(shape.format, shape.select[i], max.get(i), n === 1);
    if (shape.format === 'csv') parts.push(i === 0 ? `(${field})` : `',' || (${field})`);
    else
      parts.push(`${sqlLiteral(`${i === 0 ? '{' : ','}${JSON.stringify(shape.names[i])}:`)} || (${field})`);
  }
  parts.push(shape.format === 'jsonl' ? `'}\n'` : `'\n'`);
  return parts.join(' || ');
}

/**
 * One slice: at most `?` rows after the where clause, in key order, as one BLOB of UTF-8
 * output lines, with the row count, how many rows hold a value SQL cannot write as JS
 * does (their lines are NULL; in CSV also lines with a NUL character, which GLOB does not
 * look past), and the first and last key. `where`'s parameters come first, the row limit
 * last.
 *
 * The inner query has a LIMIT, so it is not flattened into the aggregate: it runs as a
 * co-routine that hands its rows over in key order, which is the order group_concat
 * appends them in (tested byte for byte against the JS formatter).
 */
export function sliceSql(shape: SliceShape, from: string, key: string, where: string): string {
  const k = quoteIdent(key);
  const inner = `SELECT ${lineExpression(shape)} AS line, ${k} AS k FROM ${from}${where} ORDER BY ${k} LIMIT ?`;
  const nul = shape.format === 'csv' ? ` + total(instr(line, char(0)) > 0)` : '';
  // NULL keys sort first: the slice's first key is NULL when it holds one (as the rows say).
  return (
    `SELECT count(*) AS rows, count(*) - count(line)${nul} AS hard, ` +
    'CASE WHEN count(k) < count(*) THEN NULL ELSE min(k) END AS first, max(k) AS last, ' +
    `CAST(group_concat(line, '') AS BLOB) AS data FROM (${inner})`
  );
}
