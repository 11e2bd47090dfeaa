/**
 * SQLite's parallel range readers (worker threads; they run from the build) write the same
 * bytes, counts and manifest as the in-thread reader, for every format and encoding.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { REPO } from '../helpers/cli.js';
import { testValues } from '../helpers/example-config.js';
import { trickyRows } from './fixtures.js';

let dir: string;
const N = 20_000;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-par-'));
  const db = new Database(path.join(dir, 'data.db'));
  db.exec(
    'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, note TEXT, amount REAL, qty INTEGER, updated_at TEXT NOT NULL)',
  );
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of trickyRows(N)) ins.run(...r);
  })();
  db.close();
}, 120_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the built library in a child process (worker threads need compiled JS). */
function runBuilt(overrides: Record<string, unknown>, workers: number, out: string): Record<string, unknown> {
  const script = `
    import { runExport } from ${JSON.stringify(path.join(REPO, 'dist', 'exporter', 'index.js'))};
    const [values, root, out, workers] = JSON.parse(process.argv[1]);
    const r = await runExport({ values, projectRoot: root, env: 'test', user: 'u' + workers + out.length, out, workers,
      statePath: root + '/state-' + workers + '.db', full: true });
    process.stdout.write(JSON.stringify(r));
  `;
  const stdout = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify([testValues(overrides), dir, out, workers])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

const cases: Array<[string, Record<string, unknown>]> = [
  ['CSV UTF-8', {}],
  [
    'CSV with truncation and a projection',
    {
      export: {
        columns: [{ name: 'id' }, { name: 'n', from: 'name', max_length: 4 }, { name: 'updated_at' }],
      },
    },
  ],
  ['CSV GBK with replacements', { export: { output: { encoding: 'gbk', on_unencodable: 'replace' } } }],
  ['JSONL', { export: { output: { format: 'jsonl' } } }],
  [
    'incremental (cursor range in the manifest)',
    { export: { source: { incremental: { column: 'updated_at', type: 'timestamp' } } } },
  ],
];

describe('parallel SQLite readers', () => {
  // 300: ranges smaller than a worker's read slice (512 rows); 1300: three slices per range.
  for (const [name, overrides, chunk] of cases.flatMap(([n, o]) => [
    [n, o, 300] as const,
    [n, o, 1300] as const,
  ])) {
    it(`write what the in-thread reader writes: ${name}, chunk_size ${chunk}`, () => {
      const o = {
        export: {
          chunk_size: chunk,
          queue: { capacity: 2 * chunk },
          ...((overrides.export as object) ?? {}),
        },
      };
      const a = runBuilt(o, 0, path.join(dir, `single-${chunk}-${name.length}.out`));
      const b = runBuilt(o, 2, path.join(dir, `parallel-${chunk}-${name.length}.out`));
      expect(a.path).toBe('rows');
      expect(b.path).toBe('parallel');
      expect(b.rows).toBe(N);
      expect(b.sha256).toBe(a.sha256);
      expect(b.replaced).toBe(a.replaced);
      expect(fs.readFileSync(b.file as string).equals(fs.readFileSync(a.file as string))).toBe(true);
      const ma = JSON.parse(fs.readFileSync(a.manifest as string, 'utf8'));
      const mb = JSON.parse(fs.readFileSync(b.manifest as string, 'utf8'));
      for (const k of ['rows', 'bytes', 'sha256', 'replaced', 'key', 'cursor']) expect(mb[k]).toEqual(ma[k]);
    });
  }

  it('fails on an unencodable character at the same absolute row', () => {
    // The first name GBK cannot hold is on row 15: the third range of 7 rows.
    const o = {
      export: {
        chunk_size: 7,
        columns: [{ name: 'id' }, { name: 'name' }],
        output: { encoding: 'gbk', on_unencodable: 'fail' },
      },
    };
    const fail = (workers: number) => {
      try {
        runBuilt(o, workers, path.join(dir, `fail-${workers}.csv`));
      } catch (err) {
        return String((err as { stderr?: string }).stderr);
      }
      throw new Error('expected a failure');
    };
    const single = /row \d+, column \w+: U\+[0-9A-F]+/.exec(fail(0))?.[0];
    expect(single).toBe('row 15, column name: U+1F600');
    expect(/row \d+, column \w+: U\+[0-9A-F]+/.exec(fail(2))?.[0]).toBe(single);
  });

  it("names the absolute row of an unencodable character past a range's first read slice", () => {
    // Names before id 2100 are plain; the first emoji after that is on row 711 (id 2133),
    // in the second 512-row slice of the first 1000-row range.
    const o = {
      export: {
        chunk_size: 1000,
        source: {
          table: null,
          query: "SELECT id, CASE WHEN id < 2100 THEN 'x' ELSE name END AS name FROM items",
        },
        columns: [{ name: 'id' }, { name: 'name' }],
        output: { encoding: 'gbk', on_unencodable: 'fail' },
      },
    };
    const message = (workers: number) => {
      try {
        runBuilt(o, workers, path.join(dir, `fail-slice-${workers}.csv`));
      } catch (err) {
        return /row \d+, column \w+: U\+[0-9A-F]+/.exec(String((err as { stderr?: string }).stderr))?.[0];
      }
      throw new Error('expected a failure');
    };
    expect(message(0)).toBe('row 711, column name: U+1F600');
    expect(message(2)).toBe('row 711, column name: U+1F600');
  });
});
