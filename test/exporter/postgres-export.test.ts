import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, type ExportResult, runExport } from '../../src/exporter/index.js';
import { testValues } from '../helpers/example-config.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { loadTrickyRowsIntoPostgres, trickyRows } from './fixtures.js';

let server: PostgresServer;
let dir: string;
const N = 2000;
const BIG = 200_000;

function parseCsv(text: string): Array<Array<string | null>> {
  return parse(text, {
    cast: (value: string, ctx: { quoting: boolean }) => (value === '' && !ctx.quoting ? null : value),
  }) as Array<Array<string | null>>;
}

const asText = (v: unknown) => (v === null ? null : String(v));

beforeAll(async () => {
  server = await startPostgres();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-pgx-'));
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await loadTrickyRowsIntoPostgres(client, N);
  await client.query(
    `CREATE TABLE big AS SELECT g AS id, 'name ' || g || CASE WHEN g % 7 = 0 THEN ', "quoted"' ELSE '' END AS name,
       CASE WHEN g % 5 = 0 THEN E'multi\\nline' END AS note FROM generate_series(1, ${BIG}) g`,
  );
  await client.query('ALTER TABLE big ADD PRIMARY KEY (id)');
  await client.end();
}, 120_000);

afterAll(() => {
  server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function values(overrides: Record<string, unknown> = {}) {
  return testValues({
    ...overrides,
    database: {
      driver: 'postgres',
      url: '${EXPORTCTL_TEST_PG_URL}',
      statement_timeout: '30s',
      ...(overrides.database as Record<string, unknown> | undefined),
    },
  });
}

async function run(
  overrides: Record<string, unknown> = {},
  opts: Record<string, unknown> = {},
): Promise<ExportResult> {
  return runExport({
    values: values(overrides),
    projectRoot: dir,
    env: 'test',
    user: 'alice',
    statePath: path.join(dir, 'state.db'),
    processEnv: { EXPORTCTL_TEST_PG_URL: server.url },
    ...opts,
  });
}

describe('PostgreSQL → CSV', () => {
  it('round-trips tricky text, and parallel COPY ranges, one COPY and keyset rows write the same bytes', async () => {
    // 2 KiB ranges: dozens of ranges over two reader connections.
    const copy = await run({}, { out: path.join(dir, 'copy.csv'), copyRangeBytes: 2048 });
    const single = await run({}, { out: path.join(dir, 'single.csv'), workers: 0 });
    const rows = await run({}, { out: path.join(dir, 'rows.csv'), allowCopy: false });
    expect(copy.path).toBe('parallel-copy');
    expect(single.path).toBe('copy');
    expect(rows.path).toBe('rows');
    const text = fs.readFileSync(copy.file, 'utf8');
    expect(fs.readFileSync(single.file, 'utf8')).toBe(text);
    expect(fs.readFileSync(rows.file, 'utf8')).toBe(text);
    expect(rows.sha256).toBe(copy.sha256);
    expect(single.sha256).toBe(copy.sha256);
    for (const r of [single, rows]) {
      expect(JSON.parse(fs.readFileSync(r.manifest, 'utf8')).key).toEqual(
        JSON.parse(fs.readFileSync(copy.manifest, 'utf8')).key,
      );
    }
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual(['id', 'name', 'note', 'amount', 'qty', 'updated_at']);
    expect(parsed.slice(1)).toEqual(trickyRows(N).map((r) => r.map(asText)));
    expect(copy.rows).toBe(N);
    const manifest = JSON.parse(fs.readFileSync(copy.manifest, 'utf8'));
    expect(manifest.key).toEqual({ column: 'id', first: '3', last: String(N * 3) });
  });

  it('matches what psql \\copy writes', async () => {
    const ours = await run({ export: { output: { header: false } } }, { out: path.join(dir, 'nohdr.csv') });
    const theirs = execFileSync(
      'psql',
      [server.url, '-X', '-c', '\\copy (SELECT * FROM items ORDER BY id) to stdout csv'],
      { maxBuffer: 1 << 28 },
    );
    expect(fs.readFileSync(ours.file).equals(theirs)).toBe(true);
  });

  it('reads every parallel range in one snapshot while the table changes', async () => {
    // Once the first range is written, rows are added past the end and the last rows are
    // deleted: ranges planned and copied later must still see the data as it was.
    let changed = false;
    const res = await run(
      { export: { source: { table: 'big' }, chunk_size: 1000 } },
      {
        out: path.join(dir, 'snapshot.csv'),
        copyRangeBytes: 16 << 10,
        progressIntervalMs: 0,
        onProgress: () => {
          if (changed) return;
          changed = true;
          server.psql(
            `INSERT INTO big SELECT g, 'late', NULL FROM generate_series(${BIG + 1}, ${BIG + 100}) g; DELETE FROM big WHERE id > ${BIG - 100}`,
          );
        },
      },
    );
    server.psql(
      `DELETE FROM big WHERE id > ${BIG}; INSERT INTO big SELECT g, 'name ' || g || CASE WHEN g % 7 = 0 THEN ', "quoted"' ELSE '' END, CASE WHEN g % 5 = 0 THEN E'multi\\nline' END FROM generate_series(${BIG - 99}, ${BIG}) g`,
    );
    expect(changed).toBe(true);
    expect(res.path).toBe('parallel-copy');
    const ids = parseCsv(fs.readFileSync(res.file, 'utf8'))
      .slice(1)
      .map((r) => Number(r[0]));
    expect(ids.length).toBe(BIG);
    expect(ids[ids.length - 1]).toBe(BIG);
  });

  it('stops parallel COPY ranges at max_rows with ROW_LIMIT_EXCEEDED and no final file', async () => {
    const out = path.join(dir, 'capped.csv');
    const err = await run(
      { export: { source: { table: 'big' }, chunk_size: 1000, limits: { max_rows: 50_000 } } },
      { out, copyRangeBytes: 16 << 10 },
    ).catch((e: unknown) => e);
    expect((err as ExportError).code).toBe('ROW_LIMIT_EXCEEDED');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('truncates by code points on both paths alike', async () => {
    const cols = {
      export: { columns: [{ name: 'id' }, { name: 'label', from: 'name', max_length: 2 }, { name: 'note' }] },
    };
    const copy = await run(cols, { out: path.join(dir, 'tc.csv'), copyRangeBytes: 2048 });
    const rows = await run(cols, { out: path.join(dir, 'tr.csv'), allowCopy: false });
    expect(copy.path).toBe('parallel-copy');
    expect(rows.sha256).toBe(copy.sha256);
    const parsed = parseCsv(fs.readFileSync(copy.file, 'utf8'));
    expect(parsed.slice(1).map((r) => r[1])).toEqual(
      trickyRows(N).map((r) => (r[1] === null ? null : [...r[1]].slice(0, 2).join(''))),
    );
  });

  it('writes JSONL with numbers as numbers', async () => {
    const res = await run({ export: { output: { format: 'jsonl' } } });
    const first = JSON.parse(fs.readFileSync(res.file, 'utf8').split('\n')[0]);
    const [id, name, note, amount, qty, updated_at] = trickyRows(1)[0];
    expect(first).toEqual({ id, name, note, amount, qty, updated_at });
  });
});

describe('PostgreSQL incremental', () => {
  it('exports past the high-water mark, behind the database clock', async () => {
    const inc = {
      export: { source: { incremental: { column: 'updated_at', type: 'timestamp', lag: '1s' } } },
    };
    const first = await run(inc);
    expect(first.rows).toBe(N);
    expect(first.path).toBe('parallel-copy');
    // Every reader writes the same bytes and the same cursor range (--full sets the same mark again).
    const byPath = [
      await run(inc, { full: true, out: path.join(dir, 'inc-ranges.csv'), copyRangeBytes: 2048 }),
      await run(inc, { full: true, out: path.join(dir, 'inc-copy.csv'), workers: 0 }),
      await run(inc, { full: true, out: path.join(dir, 'inc-rows.csv'), allowCopy: false }),
    ];
    expect(byPath.map((r) => r.path)).toEqual(['parallel-copy', 'copy', 'rows']);
    const manifests = byPath.map((r) => JSON.parse(fs.readFileSync(r.manifest, 'utf8')));
    for (const [i, r] of byPath.entries()) {
      expect(r.sha256).toBe(byPath[2].sha256);
      expect(manifests[i].key).toEqual(manifests[2].key);
      expect(manifests[i].cursor).toEqual(manifests[2].cursor);
    }
    expect(manifests[0].cursor).toEqual({
      column: 'updated_at',
      min: '2024-01-02 00:00:01',
      max: '2024-01-02 00:33:20',
    });
    server.psql(
      "INSERT INTO items VALUES (999999, 'late', NULL, 1, 1, '2024-06-01 00:00:00'), (1000000, 'future', NULL, 1, 1, now() + interval '1 day')",
    );
    const second = await run(inc);
    expect(
      parseCsv(fs.readFileSync(second.file, 'utf8'))
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['late']);
    expect((await run(inc)).rows).toBe(0);
    server.psql('DELETE FROM items WHERE id IN (999999, 1000000)');
  });
});

describe('PostgreSQL incremental on an integer cursor', () => {
  it('orders versions as numbers, so "10" after "9" leaves nothing to export again', async () => {
    server.psql(
      'CREATE TABLE versioned (id bigint PRIMARY KEY, ver bigint NOT NULL); INSERT INTO versioned VALUES (1, 10), (2, 9), (3, 100), (4, 11)',
    );
    const inc = {
      export: { source: { table: 'versioned', incremental: { column: 'ver', type: 'integer' } } },
    };
    const first = await run(inc);
    expect(first.rows).toBe(4);
    expect(JSON.parse(fs.readFileSync(first.manifest, 'utf8')).cursor).toEqual({
      column: 'ver',
      min: '9',
      max: '100',
    });
    expect((await run(inc)).rows).toBe(0);
    server.psql('INSERT INTO versioned VALUES (5, 101)');
    const third = await run(inc);
    expect(parseCsv(fs.readFileSync(third.file, 'utf8')).slice(1)).toEqual([['5', '101']]);
  });
});

describe('PostgreSQL failures', () => {
  for (const [reader, allowCopy, workers] of [
    ['parallel COPY', true, undefined],
    ['one COPY', true, 0],
    ['rows', false, undefined],
  ] as const) {
    it(`retries a terminated backend from the checkpoint (${reader}): no row lost or repeated`, async () => {
      let terminated = 0;
      const res = await run(
        {
          export: {
            source: { table: 'big' },
            chunk_size: 1000,
            queue: { capacity: 1000 },
            retry: { attempts: 3, initial_backoff: '100ms' },
          },
        },
        {
          allowCopy,
          workers,
          copyRangeBytes: 64 << 10,
          checkpointIntervalMs: 20,
          progressIntervalMs: 0,
          onProgress: (p: { rows: number }) => {
            if (terminated === 0 && p.rows > 20_000) {
              terminated = 1;
              server.psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'exportctl'",
              );
            }
          },
        },
      );
      expect(terminated).toBe(1);
      expect(res.rows).toBe(BIG);
      const ids = parseCsv(fs.readFileSync(res.file, 'utf8'))
        .slice(1)
        .map((r) => Number(r[0]));
      expect(ids.length).toBe(BIG);
      for (let i = 0; i < BIG; i++) if (ids[i] !== i + 1) expect(ids[i]).toBe(i + 1);
    });
  }

  it('maps statement_timeout to TIMEOUT', async () => {
    const err = await run({
      database: { statement_timeout: '200ms' },
      export: {
        source: { table: null, query: 'SELECT id, pg_sleep(1) AS s FROM items WHERE id = 3', key: 'id' },
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).message).toContain('statement timeout');
    expect((err as ExportError).code).toBe('TIMEOUT');
  });

  for (const allowCopy of [true, false]) {
    it(`stops a query in flight at export.timeout with TIMEOUT (${allowCopy ? 'COPY' : 'rows'})`, async () => {
      const t0 = Date.now();
      const err = await run(
        {
          export: {
            timeout: '700ms',
            chunk_size: 10,
            source: {
              table: null,
              query: 'SELECT id, name, CASE WHEN id > 90 THEN pg_sleep(10)::text END AS s FROM items',
              key: 'id',
            },
          },
        },
        { allowCopy },
      ).catch((e: unknown) => e);
      expect((err as ExportError).code).toBe('TIMEOUT');
      expect(Date.now() - t0).toBeLessThan(5000);
    });
  }

  it('reports an unreachable server as SOURCE_UNAVAILABLE without its password', async () => {
    const err = await runExport({
      values: values({ export: { retry: { attempts: 0 } } }),
      projectRoot: dir,
      env: 'test',
      statePath: path.join(dir, 'state.db'),
      processEnv: { EXPORTCTL_TEST_PG_URL: 'postgres://bob:s3cretPw@127.0.0.1:1/db' },
    }).catch((e: unknown) => e);
    expect((err as ExportError).code).toBe('SOURCE_UNAVAILABLE');
    expect((err as ExportError).message).not.toContain('s3cretPw');
  });
});
