/**
 * SQLite's SQL-built slices (sources/sqlite-slice-sql.ts) against the JS formatter, on real
 * SQLite files of generated tables: NULLs, empty strings, quotes, CR/LF, leading and
 * trailing spaces, `\.`, backslashes, CJK, emoji, astral characters at the truncation
 * boundary, very long values, integers (past 2^53 too), REALs, BLOBs, text that is not
 * valid UTF-8, collations that would bend comparisons. The text SQL builds is byte for byte
 * what format.ts writes for the same rows; parsed back, it is the rows; and slices fall
 * back to rows only where SQL cannot be exact.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../src/exporter/encoding.js';
import { createFormatter } from '../../src/exporter/format.js';
import type { Row, SqlValue } from '../../src/exporter/row.js';
import type { OutputFormat } from '../../src/exporter/settings.js';
import { openSqliteSource } from '../../src/exporter/sources/sqlite.js';
import { applyTruncation } from '../../src/exporter/transform.js';

let dir: string;
let fileNo = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-sqlslices-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A value as it goes into SQLite: plain, a BigInt, or bytes stored as (invalid) TEXT. */
type Cell = string | number | bigint | null | Uint8Array | { badText: Uint8Array };

const PIECES = [
  'a',
  'Z',
  ' ',
  '"',
  ',',
  '\r',
  '\n',
  '\r\n',
  '\\',
  '.',
  '\\.',
  '\\N',
  '\t',
  '北',
  '京市',
  '，',
  '😀',
  '🎉',
  '𠜎',
  'é',
  'NULL',
  '\u0000',
  '\u001f',
  '\u2028',
  '\ufeff',
  "'",
];

const textOf = (pieces: string[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', ' ', '\\.', '""', 'x'.repeat(5000), `${'😀'.repeat(3000)},"`),
    },
  );
const text = textOf(PIECES);
/** Without NUL: SQLite's GLOB stops at one, so a CSV line holding one is left to JS. */
const textWithoutNul = textOf(PIECES.filter((p) => p !== '\u0000')).filter((s) => !s.includes('\u0000'));

/** Numbers SQL writes as JS does, and ones it must leave to JS. */
const real = fc.oneof(
  fc.integer({ min: -1e7, max: 1e7 }).map((n) => n / 100),
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => n + 0.0),
  fc.double({ noNaN: true }),
  fc.constantFrom(306134.0, -0, 0.1 + 0.2, 1e-4, 9.99e-5, 1e15, 999999999999999.9, 1 / 3, 1e21, 5e-324),
);
const integer = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53) + 1),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

function cellOf(kinds: 'all' | 'exact'): fc.Arbitrary<Cell> {
  const t = kinds === 'all' ? text : textWithoutNul;
  const common: fc.Arbitrary<Cell>[] = [
    fc.constant(null),
    t,
    t,
    t,
    fc.uint8Array({ maxLength: 6 }),
    fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    fc.integer({ min: -1e7, max: 1e7 }).map((n) => n / 100),
  ];
  if (kinds === 'exact') return fc.oneof(...common);
  return fc.oneof(
    ...common,
    real,
    integer,
    fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => ({ badText: Uint8Array.from([0xff, ...b]) })),
  );
}

interface Table {
  file: string;
  columns: string[];
  key: string;
}

const COLLATIONS = ['', ' COLLATE NOCASE', ' COLLATE RTRIM', ' COLLATE BINARY'];

function writeTable(rows: Cell[][], collations: string[]): Table {
  const file = path.join(dir, `t${++fileNo}.db`);
  const db = new Database(file);
  const columns = collations.map((_, i) => `c ${i},"x"`);
  // No declared type, so no affinity: each value keeps the storage class it was inserted with.
  const decl = columns.map((c, i) => `"${c.replace(/"/g, '""')}"${collations[i]}`).join(', ');
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, ${decl})`);
  const marks = columns.map(() => 'CASE WHEN ? THEN CAST(? AS TEXT) ELSE ? END').join(', ');
  const ins = db.prepare(`INSERT INTO t VALUES (?, ${marks})`);
  db.transaction(() => {
    rows.forEach((r, i) => {
      const params: unknown[] = [i * 2 + 1];
      for (const v of r) {
        if (v !== null && typeof v === 'object' && 'badText' in v)
          params.push(1, Buffer.from(v.badText), null);
        else params.push(0, null, v instanceof Uint8Array ? Buffer.from(v) : v);
      }
      ins.run(...params);
    });
  })();
  db.close();
  return { file, columns, key: 'id' };
}

function writeUntypedTable(rows: Cell[][], width: number): Table {
  return writeTable(
    rows,
    Array.from({ length: width }, () => ''),
  );
}

interface Spec {
  format: OutputFormat;
  /** Output i reads columns[pick[i]] (the key when -1). */
  pick: number[];
  truncate: Array<number | undefined>;
  chunkSize: number;
  sliceBytes: number;
  afterKey?: number;
}

async function both(table: Table, spec: Spec) {
  const source = openSqliteSource({ file: table.file, table: 't', busyTimeoutMs: 1000 });
  try {
    const select = spec.pick.map((p) => (p < 0 ? table.key : table.columns[p]));
    const names = select.map((s, i) => `${s}→${i}`);
    if (!select.includes(table.key)) select.push(table.key);
    const truncate = spec.truncate
      .slice(0, spec.pick.length)
      .flatMap((m, index) => (m === undefined ? [] : [{ index, maxLength: m }]));
    const req = {
      select,
      key: table.key,
      window: {},
      afterKey: spec.afterKey,
      chunkSize: spec.chunkSize,
      format: spec.format,
      names,
      truncate,
      sliceBytes: spec.sliceBytes,
    };
    const formatter = () =>
      createFormatter(
        spec.format,
        names,
        names.map(() => 'auto' as const),
        { header: false, encoder: createEncoder('utf-8', 'replace') },
      );
    const js = formatter();
    const rows: Row[] = [];
    for await (const c of source.chunks({ ...req, chunkSize: 1000 })) rows.push(...c.rows);
    applyTruncation(rows, truncate);
    const expected = Buffer.from(js.format(rows, 0, rows.length, 1));

    const parts: Buffer[] = [];
    let count = 0;
    let built = 0;
    let fellBack = 0;
    const keyIndex = select.indexOf(table.key);
    for await (const s of source.textSlices!(req)) {
      const sliceRows = s.rows();
      expect(sliceRows.length).toBe(s.count);
      expect(s.firstKey).toEqual(sliceRows[0][keyIndex]);
      expect(s.lastKey).toEqual(sliceRows[sliceRows.length - 1][keyIndex]);
      expect(s.count).toBeLessThanOrEqual(spec.chunkSize);
      if (s.data) {
        built++;
        parts.push(s.data);
      } else {
        fellBack++;
        applyTruncation(sliceRows, truncate);
        parts.push(Buffer.from(formatter().format(sliceRows, 0, sliceRows.length, 1)));
      }
      count += s.count;
    }
    return { expected, actual: Buffer.concat(parts), count, rows, names, built, fellBack };
  } finally {
    await source.close();
  }
}

/** The rows' values as the output says them: text, numbers as JS writes them, BLOBs in hex. */
function asText(v: SqlValue): string | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  return String(v);
}

function expectParsedEqual(format: OutputFormat, out: Buffer, rows: Row[], width: number): void {
  if (format === 'csv') {
    const records = parse(out, {
      cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value),
      relax_column_count: true,
    }) as Array<Array<string | null>>;
    expect(records.length).toBe(rows.length);
    for (const [i, rec] of records.entries()) expect(rec).toEqual(rows[i].slice(0, width).map(asText));
    return;
  }
  const lines = out.toString('utf8').split('\n');
  expect(lines.pop()).toBe('');
  expect(lines.length).toBe(rows.length);
  for (const [i, line] of lines.entries()) {
    const got = Object.values(JSON.parse(line) as Record<string, unknown>);
    const want = rows[i]
      .slice(0, width)
      .map((v) => (typeof v !== 'number' ? asText(v) : !Number.isFinite(v) ? String(v) : v === 0 ? 0 : v));
    expect(got).toEqual(want);
  }
}

const specOf = (width: number) =>
  fc.record({
    format: fc.constantFrom<OutputFormat>('csv', 'jsonl'),
    pick: fc.array(fc.integer({ min: -1, max: width - 1 }), { minLength: 1, maxLength: width + 1 }),
    truncate: fc.array(fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), {
      minLength: width + 1,
      maxLength: width + 1,
    }),
    chunkSize: fc.integer({ min: 1, max: 40 }),
    sliceBytes: fc.integer({ min: 1, max: 4000 }),
    afterKey: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  });

describe('SQLite slices built in SQL', () => {
  it('write what the JS formatter writes, byte for byte, for generated tables', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((width) =>
          fc.record({
            width: fc.constant(width),
            rows: fc.array(fc.array(cellOf('all'), { minLength: width, maxLength: width }), {
              maxLength: 40,
            }),
            collations: fc.array(fc.constantFrom(...COLLATIONS), { minLength: width, maxLength: width }),
            spec: specOf(width),
          }),
        ),
        async ({ width, rows, collations, spec }) => {
          const table = writeTable(rows, collations);
          const r = await both(table, spec);
          expect(r.count).toBe(r.rows.length);
          expect(r.actual.equals(r.expected)).toBe(true);
          expectParsedEqual(spec.format, r.actual, r.rows, spec.pick.length);
          expect(width).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('build every slice in SQL when every value is one SQL writes exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }).chain((width) =>
          fc.record({
            width: fc.constant(width),
            rows: fc.array(fc.array(cellOf('exact'), { minLength: width, maxLength: width }), {
              minLength: 1,
              maxLength: 40,
            }),
            spec: specOf(width),
          }),
        ),
        async ({ width, rows, spec }) => {
          const r = await both(writeUntypedTable(rows, width), spec);
          expect(r.fellBack).toBe(0);
          expect(r.count).toBe(r.rows.length);
          expect(r.built).toBeGreaterThanOrEqual(Math.min(1, r.rows.length));
          expect(r.actual.equals(r.expected)).toBe(true);
          expectParsedEqual(spec.format, r.actual, r.rows, spec.pick.length);
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it('truncates by code points with astral characters at the boundary, as JS does', async () => {
    const values = ['😀😀😀', 'a😀b', '𠜎𠜱𠝹', 'ab😀', '😀', '北京😀,"', 'é\u0301x'];
    const table = writeUntypedTable(
      values.map((v) => [v]),
      1,
    );
    for (const max of [1, 2, 3]) {
      for (const format of ['csv', 'jsonl'] as const) {
        const r = await both(table, {
          format,
          pick: [0],
          truncate: [max],
          chunkSize: 3,
          sliceBytes: 100,
        });
        expect(r.fellBack).toBe(0);
        expect(r.actual.toString('utf8')).toBe(r.expected.toString('utf8'));
        expect(r.actual.equals(r.expected)).toBe(true);
      }
    }
    // Pinned, not only compared: two code points of 'a😀b' are 'a😀'.
    const pinned = await both(table, {
      format: 'csv',
      pick: [0],
      truncate: [2],
      chunkSize: 10,
      sliceBytes: 1000,
    });
    expect(pinned.actual.toString('utf8').split('\n')[1]).toBe('a😀');
  });

  it('leaves to JS the numbers SQL cannot write as JS does, and only those slices', async () => {
    const rows: Cell[][] = [[1.5], [2n ** 60n], [0.1 + 0.2], [1e21], [1e-7], [42], [306134.0], [-0]];
    const r = await both(writeUntypedTable(rows, 1), {
      format: 'csv',
      pick: [0],
      truncate: [undefined],
      chunkSize: 1,
      sliceBytes: 10,
    });
    expect(r.actual.toString()).toBe(r.expected.toString());
    // 2^60 (rounded by JS), 0.30000000000000004 (17 digits), 1e+21 and 1e-7 (exponents).
    expect(r.fellBack).toBe(4);
    expect(r.built).toBe(4);
    expect(r.actual.toString().split('\n').slice(5, 8)).toEqual(['42', '306134', '0']);
  });
});
