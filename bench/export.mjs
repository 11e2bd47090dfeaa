#!/usr/bin/env node
// `npm run bench:export`: exportctl export against the databases' own export tools.
//
//   SQLite     → CSV: `exportctl export` vs `sqlite3 -csv DB "SELECT … ORDER BY id"`
//   PostgreSQL → CSV: `exportctl export` vs `psql -c "\copy (SELECT … ORDER BY id) to stdout csv"`
//
// Two shapes of rows: the narrow `orders` of the example (every column as is), and a wide,
// real-shaped `events` table (one row in ten with ~2 KB of text, the others short text with
// CJK, emoji, quotes, commas and newlines) exported with one column renamed and truncated
// to 64 characters; the peers run the same projection (`substr(body, 1, 64) AS summary`).
// SQLite's wide shape is measured as CSV (peer `sqlite3 -csv`), JSONL (peer `sqlite3 -json`,
// which writes one JSON object per row too, in an array) and GBK CSV (peer `sqlite3 -csv |
// iconv -t GBK//TRANSLIT`, which also writes `?` for what GBK cannot hold), with the
// default reader and with EXPORTCTL_WORKERS=0 (the row reader) and =2 (range workers).
//   PostgreSQL, narrow and wide shapes, CSV and JSONL, UTF-8, GBK and GB18030 (pgShapes below):
//     `exportctl export` with a rename and a truncation vs `psql \copy (SELECT …)` with the
//     same projection (JSONL: `row_to_json`; GB18030: PGCLIENTENCODING=GB18030; GBK: psql's
//     UTF-8, as PostgreSQL cannot convert emoji to GBK).
//
// Same rows, same order, no header. The outputs are parsed and compared before anything
// is timed; then runs alternate (ours, theirs, theirs, ours, …) and medians are reported
// with the ratio ours/theirs. Peak RSS of the exporter is measured at 1M and 4M rows.
//
//   node bench/export.mjs [--rows 1000000] [--wide-rows 900000] [--rss-rows 4000000] [--runs 5]
//                         [--skip-pg] [--skip-wide] [--skip-narrow-sqlite] [--json FILE] [--short]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as readline from 'node:readline';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import YAML from 'yaml';
import { sized } from './lib.mjs';
import { pgShapeDuels, pgShapeRss } from './lib/pg-shapes.mjs';
import { startPostgres } from './lib/postgres.mjs';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROWS = Number(opt('rows', sized('1000000', '2000')));
const WIDE_ROWS = Number(opt('wide-rows', sized('900000', '2000')));
const RSS_ROWS = Number(opt('rss-rows', sized('4000000', '4000')));
const SKIP_WIDE = args.includes('--skip-wide');
const SKIP_NARROW_SQLITE = args.includes('--skip-narrow-sqlite');
const RUNS = Number(opt('runs', sized('5', '1')));
const SKIP_PG = args.includes('--skip-pg');
const JSON_OUT = opt('json', undefined);
const CLI = path.join(repo, 'dist', 'bundle', 'exportctl.mjs');
const QUERY =
  'SELECT id, customer_name, city, amount, currency, status, note, created_at, updated_at FROM orders ORDER BY id';
/** The wide shape's projection: `body` renamed `summary` and truncated to 64 characters. */
const WIDE_COLUMNS = [
  { name: 'id' },
  { name: 'customer' },
  { name: 'status' },
  { name: 'amount' },
  { name: 'qty' },
  { name: 'summary', from: 'body', max_length: 64 },
  { name: 'note' },
  { name: 'created_at' },
];
const WIDE_QUERY =
  'SELECT id, customer, status, amount, qty, substr(body, 1, 64) AS summary, note, created_at FROM events ORDER BY id';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-bench-'));
const log = (...a) => console.error(...a);

/** The wide, real-shaped table (bench/lib/seed-wide.mjs). */
function seedWide(rows) {
  const db = path.join(work, `events-${rows}.db`);
  if (!fs.existsSync(db)) {
    execFileSync(process.execPath, [path.join(repo, 'bench', 'lib', 'seed-wide.mjs'), String(rows), db], {
      stdio: 'ignore',
    });
  }
  return db;
}

function seed(rows) {
  const db = path.join(work, `orders-${rows}.db`);
  if (!fs.existsSync(db)) {
    execFileSync(
      process.execPath,
      [path.join(repo, 'scripts', 'seed-example.mjs'), '--rows', String(rows), '--out', db],
      {
        stdio: 'ignore',
      },
    );
  }
  return db;
}

/**
 * A project whose `bench` environment exports without a header: every column of `orders`,
 * or what `exportSettings` says (source, columns, output).
 */
function project(name, database, exportSettings = {}) {
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  const base = YAML.parse(
    fs.readFileSync(path.join(repo, 'examples', 'orders-export', 'config', 'base.yaml'), 'utf8'),
  );
  base.database = { ...base.database, ...database };
  base.export.source = { table: 'orders', key: 'id' };
  delete base.export.columns;
  base.export.chunk_size = 5000;
  base.export.queue = { capacity: 10000 };
  base.export.output = { ...base.export.output, dir: './exports', header: false };
  base.export.timeout = '6h';
  base.export.source = exportSettings.source ?? base.export.source;
  if (exportSettings.columns) base.export.columns = exportSettings.columns;
  base.export.output = { ...base.export.output, ...exportSettings.output };
  delete base.dependencies;
  fs.writeFileSync(path.join(dir, 'config', 'base.yaml'), YAML.stringify(base));
  fs.writeFileSync(
    path.join(dir, 'exportctl.yaml'),
    YAML.stringify({
      apiVersion: 'exportctl/v1',
      kind: 'Project',
      name: 'bench',
      base: 'config/base.yaml',
      environments: { bench: {} },
      policies: { builtin: true },
    }),
  );
  return { dir, values: base };
}

function timed(cmd, argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { maxBuffer: 1 << 20, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: String(r.stdout ?? '') };
}

let runNo = 0;
function ours(proj, out, env = {}) {
  fs.rmSync(out, { force: true });
  // A user per run: the per-user rate limit is not what is measured.
  const user = `bench-${++runNo}`;
  const argv = [
    CLI,
    'export',
    '--env',
    'bench',
    '--project',
    proj.dir,
    '--full',
    '--out',
    out,
    '--format',
    'json',
    '--user',
    user,
  ];
  const r = timed(process.execPath, argv, {
    env: { ...process.env, ...env },
  });
  return { ms: r.ms, result: JSON.parse(r.stdout) };
}

function theirs(cmd, argv, out, opts = {}) {
  const fd = fs.openSync(out, 'w');
  try {
    return timed(cmd, argv, { ...opts, stdio: ['ignore', fd, 'pipe'] });
  } finally {
    fs.closeSync(fd);
  }
}

async function* records(file, encoding = 'utf-8') {
  const input =
    encoding === 'utf-8'
      ? fs.createReadStream(file)
      : fs.createReadStream(file).pipe(iconv.decodeStream(encoding));
  const parser = input.pipe(
    parse({
      cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value),
      relax_column_count: true,
    }),
  );
  for await (const rec of parser) yield rec;
}

/**
 * Same rows after parsing; numbers compare as numbers (sqlite3 prints REAL with %.15g). In
 * GBK a field where ours holds a replacement `?` is not compared (iconv's //TRANSLIT writes
 * `a` for `ã` where ours writes `?`).
 */
async function compare(a, b, encoding = 'utf-8') {
  const ia = records(a, encoding)[Symbol.asyncIterator]();
  const ib = records(b, encoding)[Symbol.asyncIterator]();
  let n = 0;
  let numeric = 0;
  for (;;) {
    const [x, y] = await Promise.all([ia.next(), ib.next()]);
    if (x.done || y.done) {
      if (x.done !== y.done) throw new Error(`row counts differ after ${n} rows`);
      return { rows: n, numericOnly: numeric };
    }
    n++;
    const ra = x.value;
    const rb = y.value;
    if (ra.length !== rb.length) throw new Error(`row ${n}: ${ra.length} vs ${rb.length} fields`);
    for (let i = 0; i < ra.length; i++) {
      if (ra[i] === rb[i] || (encoding !== 'utf-8' && ra[i]?.includes('?'))) continue;
      if (ra[i] !== null && rb[i] !== null && ra[i] !== '' && Number(ra[i]) === Number(rb[i])) {
        numeric++;
        continue;
      }
      throw new Error(`row ${n} field ${i}: ${JSON.stringify(ra[i])} vs ${JSON.stringify(rb[i])}`);
    }
  }
}

/** The objects of a JSONL file, or of `sqlite3 -json`'s array (one object per line there too). */
async function* jsonObjects(file) {
  const lines = readline.createInterface({
    input: fs.createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (let line of lines) {
    if (line.startsWith('[')) line = line.slice(1);
    if (line.endsWith(',') || line.endsWith(']')) line = line.slice(0, -1);
    if (line !== '') yield JSON.parse(line);
  }
}

/** Same objects, same keys in the same order; numbers compare as numbers. */
async function compareJson(a, b) {
  const ia = jsonObjects(a)[Symbol.asyncIterator]();
  const ib = jsonObjects(b)[Symbol.asyncIterator]();
  let n = 0;
  for (;;) {
    const [x, y] = await Promise.all([ia.next(), ib.next()]);
    if (x.done || y.done) {
      if (x.done !== y.done) throw new Error(`row counts differ after ${n} rows`);
      return { rows: n, numericOnly: 0 };
    }
    n++;
    const [ka, kb] = [Object.keys(x.value), Object.keys(y.value)];
    if (ka.join() !== kb.join()) throw new Error(`row ${n}: keys ${ka} vs ${kb}`);
    for (const k of ka) {
      if (x.value[k] !== y.value[k])
        throw new Error(`row ${n} ${k}: ${JSON.stringify(x.value[k])} vs ${JSON.stringify(y.value[k])}`);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function duel(label, runOurs, runTheirs, outOurs, outTheirs, check = compare) {
  log(`${label}: warm-up and output check`);
  const first = runOurs();
  runTheirs();
  const cmp = await check(outOurs, outTheirs);
  const identical = fs.readFileSync(outOurs).equals(fs.readFileSync(outTheirs));
  log(
    `  ${cmp.rows} rows equal after parsing (${identical ? 'byte-identical' : `${cmp.numericOnly} fields differ only in number formatting`})`,
  );
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      a.push(runOurs().ms);
      b.push(runTheirs().ms);
    } else {
      b.push(runTheirs().ms);
      a.push(runOurs().ms);
    }
    log(`  run ${i + 1}: ours ${a[i].toFixed(0)} ms, theirs ${b[i].toFixed(0)} ms`);
  }
  const res = {
    label,
    rows: cmp.rows,
    identical,
    oursMs: Math.round(median(a)),
    theirsMs: Math.round(median(b)),
    ratio: Number((median(a) / median(b)).toFixed(2)),
    path: first.result?.path,
  };
  log(`  median ours ${res.oursMs} ms, theirs ${res.theirsMs} ms, ratio ${res.ratio}`);
  return res;
}

function peakRss(proj, rows, out, env = {}) {
  fs.rmSync(out, { force: true });
  const values = structuredClone(proj.values);
  values.export.limits.max_rows = rows;
  const cfg = JSON.stringify({
    values,
    projectRoot: proj.dir,
    statePath: path.join(proj.dir, '.exportctl', 'state.db'),
  });
  const r = spawnSync(process.execPath, [path.join(repo, 'bench', 'lib', 'run-export.mjs'), cfg, out], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`export failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  fs.rmSync(out, { force: true });
  return { rows: res.rows, maxRssMb: res.maxRssMb, ms: res.duration_ms, reader: res.path };
}

/** SQLite, narrow rows: every column of `orders` as is. */
async function sqliteNarrow(db, dbBig, oursOut, theirsOut) {
  const sqliteProj = project('sqlite', { driver: 'sqlite', url: `sqlite:${db}` });
  const peer = () => theirs('sqlite3', ['-csv', db, QUERY], theirsOut);
  report.results.push(
    await duel(
      `SQLite → CSV, ${ROWS} rows (sqlite3 -csv)`,
      () => ours(sqliteProj, oursOut),
      peer,
      oursOut,
      theirsOut,
    ),
  );
  // The readers the default is chosen against: the row reader in the job's thread, and two range workers.
  for (const workers of ['0', '2']) {
    const env = { EXPORTCTL_WORKERS: workers };
    report.results.push(
      await duel(
        `SQLite → CSV, ${ROWS} rows (sqlite3 -csv), EXPORTCTL_WORKERS=${workers}`,
        () => ours(sqliteProj, oursOut, env),
        peer,
        oursOut,
        theirsOut,
      ),
    );
  }
  report.rss.push({ source: 'sqlite', ...peakRss(sqliteProj, ROWS, oursOut) });
  const sqliteBig = project('sqlite-big', { driver: 'sqlite', url: `sqlite:${dbBig}` });
  report.rss.push({ source: 'sqlite', ...peakRss(sqliteBig, RSS_ROWS, oursOut) });
  report.rss.push({
    source: 'sqlite, row reader',
    ...peakRss(sqliteBig, RSS_ROWS, oursOut, { EXPORTCTL_WORKERS: '0' }),
  });
}

/** SQLite, wide real-shaped rows with a rename and a truncation: CSV, JSONL and GBK. */
async function sqliteWide(db, dbBig, oursOut, theirsOut) {
  const settings = (output = {}) => ({
    source: { table: 'events', key: 'id' },
    columns: WIDE_COLUMNS,
    output,
  });
  const url = { driver: 'sqlite', url: `sqlite:${db}` };
  const csv = project('wide-csv', url, settings());
  const csvPeer = () => theirs('sqlite3', ['-csv', db, WIDE_QUERY], theirsOut);
  report.results.push(
    await duel(
      `SQLite wide → CSV, ${WIDE_ROWS} rows (sqlite3 -csv)`,
      () => ours(csv, oursOut),
      csvPeer,
      oursOut,
      theirsOut,
    ),
  );
  for (const workers of ['0', '2']) {
    const env = { EXPORTCTL_WORKERS: workers };
    report.results.push(
      await duel(
        `SQLite wide → CSV, ${WIDE_ROWS} rows (sqlite3 -csv), EXPORTCTL_WORKERS=${workers}`,
        () => ours(csv, oursOut, env),
        csvPeer,
        oursOut,
        theirsOut,
      ),
    );
  }
  const jsonl = project('wide-jsonl', url, settings({ format: 'jsonl' }));
  report.results.push(
    await duel(
      `SQLite wide → JSONL, ${WIDE_ROWS} rows (sqlite3 -json)`,
      () => ours(jsonl, oursOut),
      () => theirs('sqlite3', ['-json', db, WIDE_QUERY], theirsOut),
      oursOut,
      theirsOut,
      compareJson,
    ),
  );
  const gbk = project('wide-gbk', url, settings({ encoding: 'gbk', on_unencodable: 'replace' }));
  const gbkPeer = 'sqlite3 -csv "$0" "$1" | iconv -f UTF-8 -t GBK//TRANSLIT';
  report.results.push(
    await duel(
      `SQLite wide → CSV GBK, ${WIDE_ROWS} rows (sqlite3 -csv | iconv -t GBK//TRANSLIT)`,
      () => ours(gbk, oursOut),
      () => theirs('sh', ['-c', gbkPeer, db, WIDE_QUERY], theirsOut),
      oursOut,
      theirsOut,
      (a, b) => compare(a, b, 'gbk'),
    ),
  );
  report.rss.push({ source: 'sqlite wide', ...peakRss(csv, WIDE_ROWS, oursOut) });
  report.rss.push({ source: 'sqlite wide, GBK', ...peakRss(gbk, WIDE_ROWS, oursOut) });
  // The readers before the SQL-built path: range workers (the former default on 2 cores), the row reader.
  report.rss.push({
    source: 'sqlite wide, 2 workers',
    ...peakRss(csv, WIDE_ROWS, oursOut, { EXPORTCTL_WORKERS: '2' }),
  });
  report.rss.push({
    source: 'sqlite wide, row reader',
    ...peakRss(csv, WIDE_ROWS, oursOut, { EXPORTCTL_WORKERS: '0' }),
  });
  const big = { driver: 'sqlite', url: `sqlite:${dbBig}` };
  report.rss.push({
    source: 'sqlite wide',
    ...peakRss(project('wide-big', big, settings()), RSS_ROWS, oursOut),
  });
  report.rss.push({
    source: 'sqlite wide, GBK',
    ...peakRss(project('wide-big-gbk', big, settings({ encoding: 'gbk' })), RSS_ROWS, oursOut),
  });
}

/** PostgreSQL, narrow rows, the same as SQLite's: COPY readers against `psql \copy`. */
async function postgresNarrow(db, dbBig, oursOut, theirsOut) {
  log('starting PostgreSQL and loading the same rows');
  pg = await startPostgres();
  const psql = (sql) =>
    execFileSync('psql', [pg.url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: 'pipe' });
  const load = (table, file) => {
    psql(
      `CREATE TABLE ${table} (id bigint PRIMARY KEY, customer_name text, city text, amount double precision, currency text NOT NULL, status text NOT NULL, note text, created_at timestamp NOT NULL, updated_at timestamp NOT NULL)`,
    );
    psql(`\\copy ${table} from '${file}' csv`);
    psql(`VACUUM ANALYZE ${table}`);
  };
  theirs('sqlite3', ['-csv', db, QUERY], theirsOut);
  load('orders', theirsOut);
  const pgProj = project('pg', { driver: 'postgres', url: '${BENCH_PG_URL}' });
  const env = { BENCH_PG_URL: pg.url };
  report.results.push(
    await duel(
      `PostgreSQL → CSV, ${ROWS} rows (psql \\copy)`,
      () => ours(pgProj, oursOut, env),
      () => theirs('psql', [pg.url, '-X', '-c', `\\copy (${QUERY}) to stdout csv`], theirsOut),
      oursOut,
      theirsOut,
    ),
  );
  // One COPY stream instead of parallel key ranges.
  const one = { ...env, EXPORTCTL_WORKERS: '0' };
  report.results.push(
    await duel(
      `PostgreSQL → CSV, ${ROWS} rows (psql \\copy), EXPORTCTL_WORKERS=0`,
      () => ours(pgProj, oursOut, one),
      () => theirs('psql', [pg.url, '-X', '-c', `\\copy (${QUERY}) to stdout csv`], theirsOut),
      oursOut,
      theirsOut,
    ),
  );
  report.rss.push({ source: 'postgres', ...peakRss(pgProj, ROWS, oursOut, env) });
  report.rss.push({ source: 'postgres, one COPY', ...peakRss(pgProj, ROWS, oursOut, one) });
  // Both shapes with a rename and a truncation, CSV and JSONL, UTF-8, GBK and GB18030.
  const shapes = { pg, psql, work, log, report, duel, ours, theirs, project, peakRss, compare, records };
  await pgShapeDuels(shapes, ROWS);
  pgShapeRss(shapes, ROWS);
  const bigCsv = path.join(work, 'big.csv');
  theirs('sqlite3', ['-csv', dbBig, QUERY.replace('FROM orders', 'FROM orders')], bigCsv);
  psql('DROP TABLE orders');
  load('orders', bigCsv);
  fs.rmSync(bigCsv, { force: true });
  report.rss.push({ source: 'postgres', ...peakRss(pgProj, RSS_ROWS, oursOut, env) });
  report.rss.push({
    source: 'postgres, one COPY',
    ...peakRss(pgProj, RSS_ROWS, oursOut, { ...env, EXPORTCTL_WORKERS: '0' }),
  });
  pgShapeRss(shapes, RSS_ROWS);
}

const report = { machine: { cpus: os.availableParallelism(), node: process.version }, results: [], rss: [] };
let pg;
try {
  const narrow = !SKIP_NARROW_SQLITE || !SKIP_PG;
  if (narrow) log(`seeding ${ROWS} and ${RSS_ROWS} rows`);
  const db = narrow ? seed(ROWS) : undefined;
  const dbBig = narrow ? seed(RSS_ROWS) : undefined;
  const oursOut = path.join(work, 'ours.csv');
  const theirsOut = path.join(work, 'theirs.csv');
  if (!SKIP_NARROW_SQLITE) await sqliteNarrow(db, dbBig, oursOut, theirsOut);
  if (!SKIP_WIDE) {
    log(`seeding the wide table: ${WIDE_ROWS} and ${RSS_ROWS} rows`);
    await sqliteWide(seedWide(WIDE_ROWS), seedWide(RSS_ROWS), oursOut, theirsOut);
  }
  if (!SKIP_PG) await postgresNarrow(db, dbBig, oursOut, theirsOut);

  console.log('\nexportctl export benchmark');
  console.log(
    `machine: ${report.machine.cpus} CPUs, Node ${report.machine.node}; medians of ${RUNS} alternated runs\n`,
  );
  for (const r of report.results) {
    console.log(
      `${r.label}\n  ours ${r.oursMs} ms  theirs ${r.theirsMs} ms  ratio ${r.ratio}${r.identical ? '  (byte-identical output)' : ''}`,
    );
  }
  console.log('\npeak RSS of the exporter');
  for (const r of report.rss) {
    console.log(
      `  ${r.source.padEnd(30)} ${String(r.rows).padStart(8)} rows: ${r.maxRssMb} MB (${r.ms} ms, ${r.reader} reader)`,
    );
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  pg?.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
