/**
 * The parallel range readers (worker threads; they run from the build) write the same
 * bytes, counts and manifest as the in-thread reader, for every format and encoding, from
 * SQLite and from a real PostgreSQL server (workers reading in the planner's snapshot).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { REPO } from '../helpers/cli.js';
import { testValues } from '../helpers/example-config.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { loadTrickyRowsIntoPostgres, trickyRows } from './fixtures.js';

let dir: string;
let server: PostgresServer | undefined;
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
  server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The built library's runExport in a child process (worker threads need compiled JS). */
const RUN_BUILT_SCRIPT = `
  import { runExport } from ${JSON.stringify(path.join(REPO, 'dist', 'exporter', 'index.js'))};
  const [values, root, out, workers, opts] = JSON.parse(process.argv[1]);
  const r = await runExport({ values, projectRoot: root, env: 'test', user: 'u' + workers + out.length, out, workers,
    statePath: root + '/state-' + workers + '.db', full: true, ...opts });
  process.stdout.write(JSON.stringify(r));
`;

function runBuilt(
  overrides: Record<string, unknown>,
  workers: number,
  out: string,
  opts: Record<string, unknown> = {},
  pgUrl = server?.url ?? '',
): Record<string, unknown> {
  const stdout = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      RUN_BUILT_SCRIPT,
      JSON.stringify([testValues(overrides), dir, out, workers, opts]),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EXPORTCTL_TEST_PG_URL: pgUrl },
    },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The in-thread reader's export `a` and the parallel readers' `b`: same bytes, counts, manifest. */
function expectSameExport(a: Record<string, unknown>, b: Record<string, unknown>): void {
  expect(a.path).toBe('rows');
  expect(b.path).toBe('parallel');
  expect(b.rows).toBe(N);
  expect(b.sha256).toBe(a.sha256);
  expect(b.replaced).toBe(a.replaced);
  expect(fs.readFileSync(b.file as string).equals(fs.readFileSync(a.file as string))).toBe(true);
  const ma = JSON.parse(fs.readFileSync(a.manifest as string, 'utf8'));
  const mb = JSON.parse(fs.readFileSync(b.manifest as string, 'utf8'));
  for (const k of ['rows', 'bytes', 'sha256', 'replaced', 'key', 'cursor']) expect(mb[k]).toEqual(ma[k]);
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
  // 300: ranges within a worker's largest read slice (512 rows); 1300: several slices per range.
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
      expectSameExport(a, b);
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
    // in the third read slice (16, then 512 rows) of the first 1000-row range.
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

describe('parallel readers and big rows', () => {
  /** A SQLite file with `count` rows whose `body` is `size` characters. */
  function bigRows(file: string, count: number, size: number): void {
    const db = new Database(path.join(dir, file));
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO items VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= count; i++) ins.run(i, `${String(i % 10).repeat(size - 2)},"`);
    })();
    db.close();
  }

  it('reads big rows a few per slice: 300 rows of 400 KB, byte-identical to the in-thread reader', () => {
    bigRows('big-rows.db', 300, 400_000);
    const o = { database: { url: 'sqlite:big-rows.db' }, export: { columns: null, chunk_size: 100 } };
    const a = runBuilt(o, 0, path.join(dir, 'big-rows-single.csv'));
    const b = runBuilt(o, 2, path.join(dir, 'big-rows-parallel.csv'));
    expect(b.path).toBe('parallel');
    expect(b.rows).toBe(300);
    expect(b.sha256).toBe(a.sha256);
  });
});

describe('parallel PostgreSQL readers', () => {
  beforeAll(async () => {
    server = await startPostgres();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await loadTrickyRowsIntoPostgres(client, N);
    await client.end();
  }, 120_000);

  // allowCopy: false, so that CSV in UTF-8 is read as rows too rather than by COPY.
  const opts = { allowCopy: false };
  for (const [name, overrides] of cases) {
    it(`write what the in-thread reader writes: ${name}`, () => {
      const o = {
        database: { driver: 'postgres', url: '${EXPORTCTL_TEST_PG_URL}', statement_timeout: '30s' },
        export: { chunk_size: 1300, queue: { capacity: 2600 }, ...((overrides.export as object) ?? {}) },
      };
      const a = runBuilt(o, 0, path.join(dir, `pg-single-${name.length}.out`), opts);
      const b = runBuilt(o, 2, path.join(dir, `pg-parallel-${name.length}.out`), opts);
      expectSameExport(a, b);
    });
  }

  it('retries when the backends are terminated mid-export: no row lost or repeated', async () => {
    const rows = 300_000;
    server!.psql(
      `CREATE TABLE big AS SELECT g AS id, 'name ' || g AS name FROM generate_series(1, ${rows}) g; ALTER TABLE big ADD PRIMARY KEY (id)`,
    );
    const o = {
      database: { driver: 'postgres', url: '${EXPORTCTL_TEST_PG_URL}', statement_timeout: '30s' },
      export: {
        source: { table: 'big' },
        columns: null,
        chunk_size: 2000,
        output: { format: 'jsonl' },
        retry: { attempts: 3, initial_backoff: '50ms' },
      },
    };
    const out = path.join(dir, 'pg-kill.jsonl');
    const child = spawn(
      process.execPath,
      // JSONL goes through COPY unless told not to: these are the range workers' backends.
      [
        '--input-type=module',
        '-e',
        RUN_BUILT_SCRIPT,
        JSON.stringify([testValues(o), dir, out, 2, { allowCopy: false }]),
      ],
      { env: { ...process.env, EXPORTCTL_TEST_PG_URL: server!.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Once a few MB are written, every exportctl backend (planner and workers) goes.
    let terminated = false;
    const partialSize = () =>
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith('.pg-kill.jsonl.') && f.endsWith('.partial'))
        .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    while (child.exitCode === null && !terminated) {
      if (partialSize() > 2_000_000) {
        server!.psql(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'exportctl'",
        );
        terminated = true;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await exited).toBe(0);
    expect(terminated).toBe(true);
    const r = JSON.parse(stdout) as { path: string; rows: number; file: string };
    expect(r.path).toBe('parallel');
    expect(r.rows).toBe(rows);
    const ids = fs
      .readFileSync(r.file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids.length).toBe(rows);
    for (let i = 0; i < rows; i++) if (ids[i] !== i + 1) expect(ids[i]).toBe(i + 1);
  }, 60_000);

  it('reads in one thread, or one COPY, when no reader can connect (a role limited to one connection)', () => {
    server!.psql('CREATE ROLE solo LOGIN CONNECTION LIMIT 1; GRANT SELECT ON items TO solo');
    const o = {
      database: { driver: 'postgres', url: '${EXPORTCTL_TEST_PG_URL}', statement_timeout: '30s' },
      export: { chunk_size: 1300, output: { format: 'jsonl' } },
    };
    const url = server!.url.replace('postgres://postgres@', 'postgres://solo@');
    // Range workers (JSONL through COPY is the default; here the rows path is under test).
    const both = runBuilt(o, 2, path.join(dir, 'pg-all.jsonl'), { allowCopy: false });
    const solo = runBuilt(o, 2, path.join(dir, 'pg-solo.jsonl'), { allowCopy: false }, url);
    expect(both.path).toBe('parallel');
    expect(solo.path).toBe('rows');
    expect(solo.readers).toBe(1);
    expect(solo.sha256).toBe(both.sha256);
    // COPY likewise: no reader connection, one COPY stream.
    const csv = { ...o, export: { chunk_size: 1300 } };
    const copyAll = runBuilt(csv, 2, path.join(dir, 'pg-all.csv'));
    const copySolo = runBuilt(csv, 2, path.join(dir, 'pg-solo.csv'), {}, url);
    expect(copyAll.path).toBe('parallel-copy');
    expect(copySolo.path).toBe('copy');
    expect(copySolo.sha256).toBe(copyAll.sha256);
    // JSONL built by the server, one COPY stream: the range workers' bytes.
    const jsonCopySolo = runBuilt(o, 2, path.join(dir, 'pg-solo-copy.jsonl'), {}, url);
    expect(jsonCopySolo.path).toBe('copy');
    expect(jsonCopySolo.sha256).toBe(both.sha256);
  });

  it("reads on the connections of the job's share of the pool, less the planner's", () => {
    // max_connections 8 among 4 jobs: 2 per job, one of them plans: one worker reads.
    const o = {
      database: {
        driver: 'postgres',
        url: '${EXPORTCTL_TEST_PG_URL}',
        statement_timeout: '30s',
        pool: { max_connections: 8 },
      },
      export: { workers: 4, chunk_size: 1300, output: { format: 'jsonl' } },
    };
    const r = runBuilt(o, 3, path.join(dir, 'pg-share.jsonl'), { allowCopy: false });
    expect(r.path).toBe('parallel');
    expect(r.readers).toBe(1);
    expect(r.rows).toBe(N);
    const wide = runBuilt(
      { ...o, database: { ...o.database, pool: { max_connections: 20 } } },
      3,
      path.join(dir, 'pg-wide.jsonl'),
      { allowCopy: false },
    );
    expect(wide.readers).toBe(3);
  });
});
