/**
 * Row formats. CSV is RFC 4180 as PostgreSQL's COPY writes it: a field is quoted only when
 * it holds a comma, quote, CR or LF (or is `\.` alone on a line); NULL is an empty unquoted
 * field; an empty string is `""`; lines end with LF. JSONL is one JSON object per line.
 */
import type { OutputEncoder } from './encoding.js';
import type { ColumnKind, Row, SqlValue } from './row.js';
import type { OutputFormat } from './settings.js';

export interface RowFormatter {
  /** The header line (CSV with header), or ''. */
  header(): string;
  /**
   * Formats rows[from..to) (only their first `names.length` values). `firstRow` is the
   * 1-based number of rows[from] in the export, for encoding errors.
   */
  format(rows: readonly Row[], from: number, to: number, firstRow: number): string;
}

const CSV_SPECIAL = /[",\r\n]/;
const QUOTES = /"/g;

export function csvField(s: string, single: boolean): string {
  if (s === '') return '""';
  if (CSV_SPECIAL.test(s) || (single && s === '\\.')) return `"${s.replace(QUOTES, '""')}"`;
  return s;
}

function hex(v: Uint8Array): string {
  return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
}

function csvValue(v: SqlValue, single: boolean): string {
  if (v === null) return '';
  if (typeof v === 'string') return csvField(v, single);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return hex(v);
}

export function createFormatter(
  format: OutputFormat,
  names: readonly string[],
  kinds: readonly ColumnKind[],
  opts: { header: boolean; encoder: OutputEncoder },
): RowFormatter {
  const n = names.length;
  const check = opts.encoder.checkField;
  if (format === 'csv') {
    const single = n === 1;
    return {
      header: () => {
        if (!opts.header) return '';
        for (const name of names) check?.(name, 0, name);
        return `${names.map((name) => csvField(name, single)).join(',')}\n`;
      },
      format(rows, from, to, firstRow) {
        let out = '';
        for (let r = from; r < to; r++) {
          const row = rows[r];
          if (check) {
            for (let c = 0; c < n; c++) {
              const v = row[c];
              if (typeof v === 'string') check(v, firstRow + r - from, names[c]);
            }
          }
          let line = csvValue(row[0], single);
          for (let c = 1; c < n; c++) line += `,${csvValue(row[c], false)}`;
          out += `${line}\n`;
        }
        return out;
      },
    };
  }
  const keys = names.map((name) => `${JSON.stringify(name)}:`);
  const jsonValue = (v: SqlValue, kind: ColumnKind): string => {
    if (v === null) return 'null';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'string') return JSON.stringify(hex(v));
    if (kind === 'number') return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? v : JSON.stringify(v);
    if (kind === 'boolean') return v === 't' || v === 'true' ? 'true' : 'false';
    if (kind === 'json') return JSON.stringify(JSON.parse(v));
    return JSON.stringify(v);
  };
  return {
    header: () => '',
    format(rows, from, to, firstRow) {
      let out = '';
      for (let r = from; r < to; r++) {
        const row = rows[r];
        let line = '{';
        for (let c = 0; c < n; c++) {
          const v = row[c];
          if (check && typeof v === 'string') check(v, firstRow + r - from, names[c]);
          line += `${c === 0 ? '' : ','}${keys[c]}${jsonValue(v, kinds[c] ?? 'auto')}`;
        }
        out += `${line}}\n`;
      }
      return out;
    },
  };
}
