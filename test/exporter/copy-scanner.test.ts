/**
 * The COPY path's row scanners and field readers against the JS formatter's own output:
 * whatever the chunk splits, rows come out whole and counted, keys read back as written,
 * and a character's position maps to its row and column.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldAt, locateField, rowScanner } from '../../src/exporter/copy-scanner.js';
import { createEncoder } from '../../src/exporter/encoding.js';
import { createFormatter } from '../../src/exporter/format.js';

const value = fc.option(
  fc
    .array(fc.constantFrom('a', ',', '"', '\n', '\r', '\\', '{', '}', ':', '北', '😀', ' ', '\u0001'), {
      maxLength: 8,
    })
    .map((p) => p.join('')),
  { nil: null, freq: 4 },
);
const table = fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 });

describe('COPY row scanners', () => {
  for (const format of ['csv', 'jsonl'] as const) {
    it(`${format}: rows whole and counted at any split; fields and positions read back`, () => {
      fc.assert(
        fc.property(table, fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), (rows, cuts, at) => {
          const names = ['k', 'a "b"', 'c,d'];
          const f = createFormatter(format, names, ['text', 'text', 'text'], {
            header: false,
            encoder: createEncoder('utf-8', 'replace'),
          });
          const text = f.format(rows, 0, rows.length, 1);
          const bytes = Buffer.from(text);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
          const seen: string[] = [];
          const s = rowScanner(format, (buf, start, end) => seen.push(buf.toString('utf8', start, end)));
          let out = Buffer.alloc(0);
          let count = 0;
          let prev = 0;
          for (const p of [...points, bytes.length]) {
            const { complete, rows: n } = s.feed(bytes.subarray(prev, p));
            out = Buffer.concat([out, complete]);
            count += n;
            prev = p;
          }
          expect(s.pending).toBe(0);
          expect(count).toBe(rows.length);
          expect(out.toString('utf8')).toBe(text);
          expect(seen.map((l) => [0, 1, 2].map((i) => fieldAt(format, l, i)))).toEqual(rows);
          expect(s.lastRowField(2)).toBe(rows[rows.length - 1][2]);
          expect(s.firstRowField(0)).toBe(rows[0][0]);
          // A character inside a value maps to its row and column.
          const inside = rows.flatMap((r, ri) => r.flatMap((v, fi) => (v ? [[ri, fi]] : [])));
          if (inside.length === 0) return;
          const [ri, fi] = inside[at % inside.length];
          const line = seen[ri];
          const offset = seen.slice(0, ri).reduce((sum, l) => sum + l.length + 1, 0);
          // The value's last character (for CSV, a closing quote counts as the value's).
          const pos = format === 'csv' ? csvPos(line, fi) : jsonPos(line, fi);
          expect(locateField(format, text, offset + pos)).toEqual({ row: ri, field: fi });
        }),
        { numRuns: 300 },
      );
    });
  }
});

/** Index of the last character of field `fi` in a CSV line written by format.ts. */
function csvPos(line: string, fi: number): number {
  let i = 0;
  for (let f = 0; ; f++) {
    let end: number;
    if (line[i] === '"') {
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (line[q + 1] === '"') j = q + 2;
        else {
          end = q + 1;
          break;
        }
      }
    } else {
      const c = line.indexOf(',', i);
      end = c < 0 ? line.length : c;
    }
    if (f === fi) return end - 1;
    i = end + 1;
  }
}

/** Index of the last character of value `fi` in a JSON line written by format.ts. */
function jsonPos(line: string, fi: number): number {
  const obj = JSON.parse(line) as Record<string, unknown>;
  const keys = Object.keys(obj);
  let i = 1;
  for (let f = 0; ; f++) {
    const key = JSON.stringify(keys[f]);
    i += key.length + 1;
    const v = JSON.stringify(obj[keys[f]]);
    if (f === fi) return i + v.length - 1;
    i += v.length + 1;
  }
}
