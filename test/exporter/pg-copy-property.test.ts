/**
 * Property: for generated PostgreSQL tables, the bytes PostgreSQL writes through
 * COPY (SELECT …) — CSV or JSON lines built in SQL, transcoded to GBK/GB18030 — are the
 * bytes the JS formatter writes from the same rows (renames, truncations by code points,
 * NULLs, numbers, booleans, timestamps, char(n), inet), with the same replacement count or
 * the same UNENCODABLE_CHARACTER; and parsed, they are the source rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, type ExportResult, runExport } from '../../src/exporter/index.js';
import { testValues } from '../helpers/example-config.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

let server: PostgresServer;
let client: pg.Client;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-pgprop-'));
}, 120_000);

afterAll(async () => {
  await client?.end();
  server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Pieces that stress CSV, JSON and the encodings; astral ones sit at truncation boundaries. */
const PIECES = [
  'a',
  'Z',
  '?',
  ' ',
  '  ',
  ',',
  '"',
  '""',
  '\r',
  '\n',
  '\r\n',
  '\\',
  '\\.',
  '.',
  '\t',
  '\b',
  '\f',
  '\x01',
  '\x1f',
  '\x7f',
  'é',
  'ÿ',
  '€',
  '北',
  '京',
  '，',
  '😀',
  '🎉',
  '𠜎',
  '\u2028',
  '\u00a0',
  'NULL',
  '\\N',
];
const text = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', '\\.', ' lead', 'trail ', '"q"') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '北', '😀', '"\n'), fc.integer({ min: 500, max: 3000 }))
      .map(([s, n]) => s.repeat(n)),
  },
);
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 5 });
const float = fc.oneof(
  fc.double({ noDefaultInfinity: false }),
  fc.constantFrom(0, -0, 1e21, 1e-7, 123.456, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const numeric = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('0.5', '-12.3400', '1e3', 'NaN', 'Infinity', '123456789012345678901234567890.5'),
);
const timestamp = fc
  .integer({ min: 0, max: 4_000_000_000 })
  .map((s) => new Date(s * 1000).toISOString().replace('T', ' ').replace('Z', '+00'));

const row = fc.record({
  a: nullable(text),
  b: nullable(text),
  n: nullable(numeric),
  f: nullable(float),
  flag: nullable(fc.boolean()),
  at: nullable(timestamp),
  code: nullable(fc.constantFrom('ab', 'abcd', '北京', 'x y')),
  addr: nullable(fc.constantFrom('10.0.0.1', '::1', '192.168.0.0/16')),
});
type Gen = typeof row extends fc.Arbitrary<infer T> ? T : never;

const floatText = (f: number) => (Object.is(f, -0) ? '-0' : String(f));

async function load(rows: Gen[]): Promise<void> {
  await client.query('DROP TABLE IF EXISTS prop');
  await client.query(
    'CREATE TABLE prop (id bigint PRIMARY KEY, a text, b text, n numeric, f double precision, flag boolean, at timestamptz, code char(4), addr inet)',
  );
  for (const [i, r] of rows.entries()) {
    await client.query('INSERT INTO prop VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      i * 2 + 1,
      r.a,
      r.b,
      r.n,
      r.f === null ? null : floatText(r.f),
      r.flag,
      r.at,
      r.code,
      r.addr,
    ]);
  }
}

const setup = fc.record({
  rows: fc.array(row, { minLength: 0, maxLength: 12 }),
  format: fc.constantFrom('csv', 'jsonl'),
  encoding: fc.constantFrom('utf-8', 'utf-8', 'gbk', 'gb18030'),
  onUnencodable: fc.constantFrom('replace', 'fail'),
  cutA: fc.integer({ min: 1, max: 6 }),
  cutFlag: fc.integer({ min: 1, max: 5 }),
  cutCode: fc.integer({ min: 1, max: 4 }),
  cutAddr: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
  keyOut: fc.boolean(),
  workers: fc.constantFrom(0, 2),
});

type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

let runNo = 0;
async function exportWith(
  s: Setup,
  allowCopy: boolean,
): Promise<{ result?: ExportResult; bytes?: Buffer; error?: ExportError }> {
  const out = path.join(dir, `p${++runNo}.${s.format === 'csv' ? 'csv' : 'jsonl'}`);
  const columns = [
    ...(s.keyOut ? [{ name: 'id' }] : []),
    { name: 'label', from: 'a', max_length: s.cutA },
    { name: 'b' },
    { name: 'n' },
    { name: 'f' },
    { name: 'flag', max_length: s.cutFlag },
    { name: 'at' },
    { name: 'code', max_length: s.cutCode },
    { name: 'addr', ...(s.cutAddr === undefined ? {} : { max_length: s.cutAddr }) },
  ];
  try {
    const result = await runExport({
      values: testValues({
        database: { driver: 'postgres', url: '${PG_URL}' },
        export: {
          source: { table: 'prop', key: 'id' },
          columns,
          chunk_size: 3,
          output: { format: s.format, encoding: s.encoding, on_unencodable: s.onUnencodable },
        },
      }),
      projectRoot: dir,
      env: 'test',
      user: 'prop',
      rateLimit: false,
      statePath: path.join(dir, 'state.db'),
      processEnv: { PG_URL: server.url },
      out,
      allowCopy,
      workers: s.workers,
      copyRangeBytes: 64,
    });
    return { result, bytes: fs.readFileSync(out) };
  } catch (err) {
    if (err instanceof ExportError) return { error: err };
    throw err;
  }
}

const cut = (v: string | null, n: number) => (v === null ? null : [...v].slice(0, n).join(''));

describe('PostgreSQL COPY (SELECT …) against the JS formatter', () => {
  it('writes the same bytes, counts and errors; parsed, the source rows', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(setup, async (s) => {
        await load(s.rows);
        const copy = await exportWith(s, true);
        const js = await exportWith(s, false);
        if (js.error) {
          expect(copy.error?.code).toBe(js.error.code);
          expect(copy.error?.message).toBe(js.error.message);
          expect(js.error.code).toBe('UNENCODABLE_CHARACTER');
          return;
        }
        expect(copy.error).toBeUndefined();
        expect(js.result!.path).toBe('rows');
        expect(copy.result!.path).toBe(
          s.workers === 0 && !s.keyOut ? 'rows' : s.workers === 0 ? 'copy' : 'parallel-copy',
        );
        expect(copy.bytes!.equals(js.bytes!)).toBe(true);
        expect(copy.result!.replaced).toBe(js.result!.replaced);
        expect(copy.result!.rows).toBe(s.rows.length);
        const mc = JSON.parse(fs.readFileSync(copy.result!.manifest, 'utf8'));
        const mj = JSON.parse(fs.readFileSync(js.result!.manifest, 'utf8'));
        expect(mc.key).toEqual(mj.key);
        if (s.encoding !== 'utf-8') return;
        // Parsed, the text columns are the source's, truncated by code points.
        const text = copy.bytes!.toString('utf8');
        const got =
          s.format === 'csv'
            ? (
                parse(text, {
                  cast: (v: string, ctx: { quoting: boolean }) => (v === '' && !ctx.quoting ? null : v),
                  from_line: 2,
                }) as Array<Array<string | null>>
              ).map((r) => (s.keyOut ? r.slice(1, 3) : r.slice(0, 2)))
            : text
                .split('\n')
                .slice(0, -1)
                .map((l) => {
                  const o = JSON.parse(l) as Record<string, string | null>;
                  return [o.label, o.b];
                });
        expect(got).toEqual(s.rows.map((r) => [cut(r.a, s.cutA), r.b]));
      }),
      { numRuns: 30 },
    );
  });

  it('renders JSON columns in JS (the writer re-serializes them) and CSV JSON columns in COPY', async () => {
    await client.query('DROP TABLE IF EXISTS docs');
    await client.query('CREATE TABLE docs (id int PRIMARY KEY, doc jsonb, raw json)');
    await client.query(`INSERT INTO docs VALUES (1, '{"b": 1.50, "a": [1, 2]}', '{ "z":1e2 , "1":"x" }')`);
    const run = async (format: string) =>
      runExport({
        values: testValues({
          database: { driver: 'postgres', url: '${PG_URL}' },
          export: { source: { table: 'docs', key: 'id' }, output: { format } },
        }),
        projectRoot: dir,
        env: 'test',
        rateLimit: false,
        statePath: path.join(dir, 'state.db'),
        processEnv: { PG_URL: server.url },
        out: path.join(dir, `docs-${++runNo}.${format}`),
      });
    const jsonl = await run('jsonl');
    expect(jsonl.path).toBe('rows');
    expect(fs.readFileSync(jsonl.file, 'utf8')).toBe(
      '{"id":1,"doc":{"a":[1,2],"b":1.5},"raw":{"1":"x","z":100}}\n',
    );
    const csv = await run('csv');
    expect(csv.path).toBe('parallel-copy');
    expect(fs.readFileSync(csv.file, 'utf8')).toBe(
      'id,doc,raw\n1,"{""a"": [1, 2], ""b"": 1.50}","{ ""z"":1e2 , ""1"":""x"" }"\n',
    );
  });
});
