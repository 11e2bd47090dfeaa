/** What the job asks of a database: its columns, its clock, and rows in key order. */
import type { Readable } from 'node:stream';
import type { ColumnKind, Row, SqlValue } from '../row.js';
import type { OutputFormat } from '../settings.js';
import type { CopyRowFormat } from './pg-copy-sql.js';

/** Which rows a read covers, beyond the resume point. */
export interface ReadWindow {
  /** Incremental cursor column and the high-water mark `(cursor, key)` already exported. */
  cursor?: string;
  after?: { cursor: SqlValue; key: SqlValue };
  /** Upper bound of the cursor (the database clock minus the safety lag). */
  upTo?: SqlValue;
}

export interface ReadRequest {
  /** Source columns to select, in output order (see Projection.select). */
  select: readonly string[];
  key: string;
  window: ReadWindow;
  /** Exclusive resume point in key order; undefined from the start. */
  afterKey?: SqlValue;
  chunkSize: number;
  signal?: AbortSignal;
}

export interface RowChunk {
  rows: Row[];
}

export interface CopyRequest extends ReadRequest {
  /** Truncations (index into `select`, code points), done by the server. */
  truncate: ReadonlyArray<{ index: number; maxLength: number }>;
  /** The output columns are the first `outputs` of `select` (the key and cursor may follow). */
  outputs: number;
  /** The rows' text: COPY's CSV, or JSON lines built by the server. */
  row: CopyRowFormat;
}

/** A read whose output text the database writes itself (SQLite), a slice at a time. */
export interface SliceRequest extends ReadRequest {
  format: OutputFormat;
  /** Output column names; output i is `select[i]`. */
  names: readonly string[];
  /** Truncations (index into the outputs, code points). */
  truncate: ReadonlyArray<{ index: number; maxLength: number }>;
  /** Output bytes a slice aims at; a slice holds at most `chunkSize` rows. */
  sliceBytes: number;
}

/** Consecutive rows in key order, with their output text as the JS formatter writes it. */
export interface TextSlice {
  /**
   * The rows' output lines as UTF-8, byte for byte what format.ts writes for them (no
   * header); undefined when the database could not write some value that way (a number
   * beyond what SQL renders as JS does, text that is not valid UTF-8): then read `rows()`.
   */
  data: Buffer | undefined;
  count: number;
  firstKey: SqlValue;
  lastKey: SqlValue;
  /** The same rows as arrays in `select` order, from the same snapshot; before the next slice only. */
  rows(): Row[];
}

export interface Source {
  readonly driver: 'sqlite' | 'postgres';
  /** The columns of the table or query, in order. */
  columns(): Promise<string[]>;
  /** JSONL rendering hints for selected columns (after the first chunk for PostgreSQL). */
  kinds(select: readonly string[]): Promise<ColumnKind[]>;
  /** The database clock minus `lagMs`, comparable with a timestamp cursor. */
  clockMinus(lagMs: number): Promise<string>;
  /** Rows a request would return (for the progress bar's ETA). */
  count(req: ReadRequest): Promise<number>;
  /** Chunks of at most chunkSize rows in key order, keyset-paginated. */
  chunks(req: ReadRequest): AsyncIterable<RowChunk>;
  /**
   * Plans key ranges for parallel range workers (SQLite; PostgreSQL tables, in a snapshot
   * the workers share). Undefined when this source cannot.
   */
  openRangePlan?(req: ReadRequest): Promise<RangePlan | undefined>;
  /** SQLite: the rows' output text built by the database, a slice at a time (no cursor tracking). */
  textSlices?(req: SliceRequest): AsyncIterable<TextSlice>;
  /**
   * PostgreSQL only: the output rows as UTF-8 bytes straight from COPY … TO STDOUT, as the
   * JS formatter would write them (CSV, or JSON lines when no column is JSON).
   */
  copyOut?(req: CopyRequest): Promise<Readable>;
  /**
   * PostgreSQL tables only: COPY key ranges on `readers` extra connections at once, every
   * range in the snapshot of this source's connection, so the whole export is one consistent
   * read. Undefined when the server cannot share a snapshot (the caller streams one COPY).
   */
  openCopyRanges?(req: CopyRequest, readers: number, rangeBytes: number): Promise<CopyRanges | undefined>;
  close(): Promise<void>;
}

/** What a range worker opens to read the same data as the job's source. */
export type RangeWorkerSource =
  | { driver: 'sqlite'; file: string; from: string; busyTimeoutMs: number }
  | {
      driver: 'postgres';
      url: string;
      from: string;
      statementTimeoutMs?: number;
      connectTimeoutMs: number;
      /** The planning transaction's exported snapshot: every worker reads the same data. */
      snapshot: string;
    };

export interface RangePlan {
  readonly worker: RangeWorkerSource;
  /**
   * The greatest key among the next `rows` rows after `after` (from the start when
   * undefined), without reading the rows; undefined at the end.
   */
  nextBoundary(after: SqlValue | undefined, rows: number): Promise<SqlValue | undefined>;
  close(): Promise<void>;
}

/** One key range's rows as COPY wrote them, and what a checkpoint needs to know of them. */
export interface CopiedRange {
  /** Valid until the next range is asked for (the buffer is reused). */
  data: Buffer;
  rows: number;
  /** The first row's key (the first range only) and the last row's (the range's planned end). */
  firstKey?: SqlValue;
  lastKey: SqlValue;
  /**
   * Incremental reads: the range's least and greatest cursor, and the key of the last row
   * (in key order) holding the greatest, read in the ranges' snapshot; undefined when every
   * cursor of the range is NULL.
   */
  cursor?: { min: SqlValue; max: SqlValue; highKey: SqlValue };
}

export interface CopyRanges {
  /** Reader connections that opened (some may not have: the server's connection limit). */
  readonly readers: number;
  /** The ranges in key order, at most `inFlight` read ahead. */
  ranges(inFlight: number): AsyncIterable<CopiedRange>;
  close(): Promise<void>;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `public.orders` → `"public"."orders"`. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

export function fromClause(source: { table?: string; query?: string }): string {
  return source.table !== undefined ? quoteQualified(source.table) : `(${source.query}) AS exportctl_src`;
}

/**
 * WHERE conditions of a read: `key > afterKey`, the incremental window, `key <= upToKey` (a
 * parallel range's end), in that order; `param` returns the placeholder of a bound value.
 */
export function whereClause(
  req: Pick<ReadRequest, 'key' | 'window' | 'afterKey'> & { upToKey?: SqlValue },
  param: (v: SqlValue) => string,
) {
  const k = quoteIdent(req.key);
  const conds: string[] = [];
  if (req.afterKey !== undefined) conds.push(`${k} > ${param(req.afterKey)}`);
  const w = req.window;
  if (w.cursor !== undefined) {
    const c = quoteIdent(w.cursor);
    if (w.after) {
      conds.push(
        `(${c} > ${param(w.after.cursor)} OR (${c} = ${param(w.after.cursor)} AND ${k} > ${param(w.after.key)}))`,
      );
    }
    if (w.upTo !== undefined) conds.push(`${c} <= ${param(w.upTo)}`);
  }
  if (req.upToKey !== undefined) conds.push(`${k} <= ${param(req.upToKey)}`);
  return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
}

/**
 * The query that plans parallel ranges: the greatest key among the next `rows` rows after
 * `after`, from the key's index, without reading the rows.
 */
export function keyBoundarySql(
  req: Pick<ReadRequest, 'key' | 'window'>,
  from: string,
  after: SqlValue | undefined,
  rows: number,
  param: (v: SqlValue) => string,
): string {
  const k = quoteIdent(req.key);
  const where = whereClause({ ...req, afterKey: after }, param);
  return `SELECT max(${k}) FROM (SELECT ${k} FROM ${from}${where} ORDER BY ${k} LIMIT ${param(rows)}) AS exportctl_range`;
}
