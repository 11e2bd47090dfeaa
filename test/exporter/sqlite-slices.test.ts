/**
 * The SQLite reader whose slices' text SQLite builds (path `sql`, the default when no
 * cursor is tracked) writes what the row reader writes (`EXPORTCTL_WORKERS=0`): the same
 * bytes, counts, keys and manifest, in every format and encoding, with slices left to JS
 * where SQL cannot be exact; it fails as the row reader does; and a cancelled export
 * resumes on it into the file an uninterrupted run writes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, type ExportResult, runExport } from '../../src/exporter/index.js';
import { testValues } from '../helpers/example-config.js';
import { trickyRows } from './fixtures.js';

let dir: string;
let runNo = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-sqlslices-e2e-'));
  const db = new Database(path.join(dir, 'data.db'));
  // `amount` has no type: some values SQL cannot write as JS does (2^60, 0.1 + 0.2, 1e21)
  // and text that is not valid UTF-8 sit among the rows, so some slices go through JS.
  db.exec(
    'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, note TEXT, amount, qty INTEGER, updated_at TEXT NOT NULL)',
  );
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)');
  const odd = [2n ** 60n, 0.1 + 0.2, 1e21];
  db.transaction(() => {
    for (const [i, r] of trickyRows(3000).entries()) {
      const row: unknown[] = [...r];
      if (i % 997 === 5) row[3] = odd[i % 3];
      ins.run(...row);
    }
  })();
  db.exec("UPDATE items SET note = CAST(x'61ff62' AS TEXT) WHERE id = 2400");
  db.close();
}, 60_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function run(
  overrides: Record<string, unknown>,
  opts: Partial<Parameters<typeof runExport>[0]> = {},
): Promise<ExportResult> {
  runNo++;
  return runExport({
    values: testValues(overrides),
    projectRoot: dir,
    env: 'test',
    user: `u${runNo}`,
    out: path.join(dir, 'out', `run-${runNo}.out`),
    statePath: path.join(dir, 'state.db'),
    full: true,
    ...opts,
  });
}

function expectSame(a: ExportResult, b: ExportResult): void {
  expect(b.rows).toBe(a.rows);
  expect(b.sha256).toBe(a.sha256);
  expect(b.replaced).toBe(a.replaced);
  expect(fs.readFileSync(b.file).equals(fs.readFileSync(a.file))).toBe(true);
  const ma = JSON.parse(fs.readFileSync(a.manifest, 'utf8'));
  const mb = JSON.parse(fs.readFileSync(b.manifest, 'utf8'));
  for (const k of ['rows', 'bytes', 'sha256', 'replaced', 'key', 'cursor', 'columns'])
    expect(mb[k]).toEqual(ma[k]);
}

const cases: Array<[string, Record<string, unknown>]> = [
  ['CSV UTF-8', {}],
  [
    'CSV, a rename and a truncation',
    {
      export: {
        columns: [{ name: 'id' }, { name: 'n', from: 'note', max_length: 3 }, { name: 'amount' }],
      },
    },
  ],
  ['CSV GBK with replacements', { export: { output: { encoding: 'gbk', on_unencodable: 'replace' } } }],
  ['CSV GB18030', { export: { output: { encoding: 'gb18030' } } }],
  ['JSONL', { export: { output: { format: 'jsonl' } } }],
  ['JSONL GBK', { export: { output: { format: 'jsonl', encoding: 'gbk' } } }],
  ['one column, \\. quoted', { export: { columns: [{ name: 'name' }], output: { header: false } } }],
];

describe('SQLite slices built in SQL', () => {
  for (const [name, overrides] of cases) {
    it(`write what the row reader writes: ${name}`, async () => {
      const o = { export: { chunk_size: 70, ...((overrides.export as object) ?? {}) } };
      const rows = await run(o, { workers: 0 });
      const sql = await run(o);
      expect(rows.path).toBe('rows');
      expect(sql.path).toBe('sql');
      expect(sql.rows).toBe(3000);
      expectSame(rows, sql);
    });
  }

  it('fail on an unencodable character at the row and column the row reader names', async () => {
    const o = {
      export: {
        chunk_size: 64,
        columns: [{ name: 'id' }, { name: 'name' }],
        output: { encoding: 'gbk', on_unencodable: 'fail' },
      },
    };
    const message = async (workers: number | undefined) => {
      try {
        await run(o, { workers });
      } catch (err) {
        expect(err).toBeInstanceOf(ExportError);
        expect((err as ExportError).code).toBe('UNENCODABLE_CHARACTER');
        return (err as ExportError).message;
      }
      throw new Error('expected a failure');
    };
    const rows = await message(0);
    expect(rows).toMatch(/^row 15, column name: U\+1F600/);
    expect(await message(undefined)).toBe(rows);
  });

  it('stop past max_rows with ROW_LIMIT_EXCEEDED, as the row reader does', async () => {
    const o = { export: { chunk_size: 70, limits: { max_rows: 1000 } } };
    for (const workers of [0, undefined]) {
      const err = await run(o, { workers }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExportError);
      expect((err as ExportError).code).toBe('ROW_LIMIT_EXCEEDED');
    }
  });

  it('leave incremental runs to the row reader (every cursor value is needed)', async () => {
    const r = await run({ export: { source: { incremental: { column: 'updated_at', type: 'timestamp' } } } });
    expect(r.path).toBe('rows');
  });

  it('resume a cancelled export into the bytes and manifest of an uninterrupted run', async () => {
    const o = {
      export: {
        chunk_size: 40,
        columns: [{ name: 'id' }, { name: 'nm', from: 'name', max_length: 2 }, { name: 'note' }],
      },
    };
    const whole = await run(o);
    expect(whole.path).toBe('sql');
    const controller = new AbortController();
    const out = path.join(dir, 'out', 'resumed.csv');
    const err = await run(o, {
      out,
      signal: controller.signal,
      checkpointIntervalMs: 0,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.rows >= 1200) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).code).toBe('CANCELLED');
    expect(fs.existsSync(out)).toBe(false);
    const partial = fs.readdirSync(path.dirname(out)).find((f) => f.startsWith('.resumed.csv.'));
    expect(partial).toBeDefined();
    expect(fs.statSync(path.join(path.dirname(out), partial!)).size).toBeGreaterThan(0);
    const resumed = await run(o, { resume: true, full: undefined });
    expect(resumed.resumed).toBe(true);
    expect(resumed.path).toBe('sql');
    expect(resumed.file).toBe(out);
    expectSame(whole, resumed);
  });
});
