/**
 * Finds row boundaries in PostgreSQL CSV bytes (COPY … TO STDOUT), so the COPY path can
 * count rows, write whole rows only, and name the key of the last row for a checkpoint.
 * A record ends at an LF outside quotes; a doubled quote toggles twice, so counting quotes
 * is enough.
 */
const QUOTE = 0x22;
const LF = 0x0a;

export class CsvRowScanner {
  #carry: Buffer = Buffer.alloc(0);
  #scanFrom = 0;
  #inQuote = false;
  /** The last complete row (without its LF), kept for `lastRowField`. */
  #lastRow: Buffer | undefined;
  /** The first complete row ever fed, for `firstRowField`. */
  #firstRow: Buffer | undefined;

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
