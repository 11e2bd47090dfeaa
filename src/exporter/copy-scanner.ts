/**
 * Finds row boundaries in the bytes COPY … TO STDOUT writes, so the COPY path can count
 * rows, write whole rows only, and name the key of the last row for a checkpoint. In CSV a
 * record ends at an LF outside quotes (a doubled quote toggles twice, so counting quotes is
 * enough); a JSON line ends at every LF (JSON text holds none).
 */
const QUOTE = 0x22;
const LF = 0x0a;

/** Called with each complete row's bytes `buf[start, end)` (without its LF). */
export type RowCallback = (buf: Buffer, start: number, end: number) => void;

export interface RowScanner {
  feed(chunk: Buffer): { complete: Buffer; rows: number };
  readonly pending: number;
  firstRowField(index: number): string | null | undefined;
  lastRowField(index: number): string | null | undefined;
}

/** A scanner for the rows of `format`, calling `onRow` for each when given. */
export function rowScanner(format: 'csv' | 'jsonl', onRow?: RowCallback): RowScanner {
  return format === 'csv' ? new CsvRowScanner(onRow) : new JsonLineScanner(onRow);
}

/** Field `index` of one row of `format` (see csvFieldAt, jsonFieldAt). */
export function fieldAt(format: 'csv' | 'jsonl', row: string, index: number): string | null | undefined {
  return format === 'csv' ? csvFieldAt(row, index) : jsonFieldAt(row, index);
}

export class CsvRowScanner implements RowScanner {
  #carry: Buffer = Buffer.alloc(0);
  #scanFrom = 0;
  #inQuote = false;
  /** The last complete row (without its LF), kept for `lastRowField`. */
  #lastRow: Buffer | undefined;
  /** The first complete row ever fed, for `firstRowField`. */
  #firstRow: Buffer | undefined;

  constructor(readonly onRow?: RowCallback) {}

  /**
   * Feeds bytes; returns the complete rows among everything fed so far that were not yet
   * returned (as one buffer) and how many rows it holds.
   */
  feed(chunk: Buffer): { complete: Buffer; rows: number } {
    const buf = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    const len = buf.length;
    let pos = this.#scanFrom;
    let inQuote = this.#inQuote;
    let rowStart = 0;
    let lastStart = -1;
    let rows = 0;
    let nextQuote = -1;
    while (pos < len) {
      if (inQuote) {
        const q = buf.indexOf(QUOTE, pos);
        if (q < 0) {
          pos = len;
          break;
        }
        inQuote = false;
        pos = q + 1;
        continue;
      }
      if (nextQuote < pos) {
        nextQuote = buf.indexOf(QUOTE, pos);
        if (nextQuote < 0) nextQuote = Number.POSITIVE_INFINITY;
      }
      let nl = buf.indexOf(LF, pos);
      if (nl < 0) nl = len;
      if (nextQuote < nl) {
        inQuote = true;
        pos = nextQuote + 1;
        continue;
      }
      if (nl === len) {
        pos = len;
        break;
      }
      rows++;
      if (this.#firstRow === undefined) this.#firstRow = Buffer.from(buf.subarray(rowStart, nl));
      this.onRow?.(buf, rowStart, nl);
      lastStart = rowStart;
      rowStart = nl + 1;
      pos = nl + 1;
    }
    this.#inQuote = inQuote;
    this.#carry = Buffer.from(buf.subarray(rowStart));
    this.#scanFrom = len - rowStart;
    if (lastStart >= 0) this.#lastRow = Buffer.from(buf.subarray(lastStart, rowStart - 1));
    return { complete: buf.subarray(0, rowStart), rows };
  }

  /** Bytes fed that do not yet form a complete row. */
  get pending(): number {
    return this.#carry.length;
  }

  /** Field `index` of the first complete row ever fed (CSV-unquoted). */
  firstRowField(index: number): string | null | undefined {
    if (!this.#firstRow) return undefined;
    return csvFieldAt(this.#firstRow.toString('utf8'), index);
  }

  /** Field `index` of the last complete row (CSV-unquoted), or null for an empty unquoted field. */
  lastRowField(index: number): string | null | undefined {
    if (!this.#lastRow) return undefined;
    return csvFieldAt(this.#lastRow.toString('utf8'), index);
  }
}

/** Field `index` of one CSV record; null when empty and unquoted (NULL). */
export function csvFieldAt(line: string, index: number): string | null | undefined {
  let i = 0;
  for (let f = 0; ; f++) {
    let value = '';
    let quoted = false;
    if (line[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      value = line.slice(i, end);
      i = end;
    }
    if (f === index) return !quoted && value === '' ? null : value;
    if (line[i] !== ',') return undefined;
    i++;
  }
}

/** Rows of JSON lines: every LF ends one. */
export class JsonLineScanner implements RowScanner {
  #carry: Buffer = Buffer.alloc(0);
  #lastRow: Buffer | undefined;
  #firstRow: Buffer | undefined;

  constructor(readonly onRow?: RowCallback) {}

  feed(chunk: Buffer): { complete: Buffer; rows: number } {
    const buf = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    let rows = 0;
    let rowStart = 0;
    let lastStart = -1;
    for (let nl = buf.indexOf(LF, this.#carry.length); nl >= 0; nl = buf.indexOf(LF, nl + 1)) {
      rows++;
      if (this.#firstRow === undefined) this.#firstRow = Buffer.from(buf.subarray(rowStart, nl));
      this.onRow?.(buf, rowStart, nl);
      lastStart = rowStart;
      rowStart = nl + 1;
    }
    this.#carry = Buffer.from(buf.subarray(rowStart));
    if (lastStart >= 0) this.#lastRow = Buffer.from(buf.subarray(lastStart, rowStart - 1));
    return { complete: buf.subarray(0, rowStart), rows };
  }

  get pending(): number {
    return this.#carry.length;
  }

  firstRowField(index: number): string | null | undefined {
    return this.#firstRow && jsonFieldAt(this.#firstRow.toString('utf8'), index);
  }

  lastRowField(index: number): string | null | undefined {
    return this.#lastRow && jsonFieldAt(this.#lastRow.toString('utf8'), index);
  }
}

/** [start, end) of the value of field `index` of a flat JSON object line, or undefined. */
function jsonValueSpan(
  line: string,
  index: number,
  stopAt = -1,
): { field: number; start: number; end: number } | undefined {
  let i = 1; // after '{'
  for (let f = 0; i < line.length; f++) {
    i = skipJsonString(line, i); // the key
    if (line[i] !== ':') return undefined;
    const start = i + 1;
    const end = line[start] === '"' ? skipJsonString(line, start) : scalarEnd(line, start);
    if (f === index || (stopAt >= 0 && stopAt < end)) return { field: f, start, end };
    if (line[end] !== ',') return undefined;
    i = end + 1;
  }
  return undefined;
}

/** The index after the JSON string starting at `i` (a quote). */
function skipJsonString(line: string, i: number): number {
  for (let j = i + 1; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === QUOTE) return j + 1;
  }
  return line.length;
}

function scalarEnd(line: string, i: number): number {
  let j = i;
  while (j < line.length && line[j] !== ',' && line[j] !== '}') j++;
  return j;
}

/**
 * Field `index` of one JSON line as the source's text form: a string's value, a number's or
 * boolean's own text; null for null. The lines are flat objects of scalars (pg-copy-sql.ts).
 */
export function jsonFieldAt(line: string, index: number): string | null | undefined {
  const span = jsonValueSpan(line, index);
  if (!span) return undefined;
  const raw = line.slice(span.start, span.end);
  if (raw === 'null') return null;
  return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
}

/**
 * Which row (0-based, of the complete rows in `text`) and which field the character at
 * `at` belongs to, for an error that names them.
 */
export function locateField(
  format: 'csv' | 'jsonl',
  text: string,
  at: number,
): { row: number; field: number } {
  let row = 0;
  let start = 0;
  if (format === 'jsonl') {
    for (let nl = text.indexOf('\n'); nl >= 0 && nl < at; nl = text.indexOf('\n', nl + 1)) {
      row++;
      start = nl + 1;
    }
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    return { row, field: jsonValueSpan(line, -1, at - start)?.field ?? 0 };
  }
  let field = 0;
  let inQuote = false;
  for (let i = 0; i < at; i++) {
    const c = text[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === ',') field++;
    else if (!inQuote && c === '\n') {
      row++;
      field = 0;
    }
  }
  return { row, field };
}
