#!/usr/bin/env node
// `npm run bench:export`: exportctl export against the databases' own export tools.
//
//   SQLite     → CSV: `exportctl export` vs `sqlite3 -csv DB "SELECT … ORDER BY id"`
//   PostgreSQL → CSV: `exportctl export` vs `psql -c "\copy (SELECT … ORDER BY id) to stdout csv"`
//
//   PostgreSQL, narrow and wide shapes, CSV and JSONL, UTF-8, GBK and GB18030 (pgShapes below):
//     `exportctl export` with a rename and a truncation vs `psql \copy (SELECT …)` with the
//     same projection (JSONL: `row_to_json`; GB18030: PGCLIENTENCODING=GB18030; GBK: psql's
//     UTF-8, as PostgreSQL cannot convert emoji to GBK).
//
// Same rows, same order, no header. The outputs are parsed and compared before anything
// is timed; then runs alternate (ours, theirs, theirs, ours, …) and medians are reported
// with the ratio ours/theirs. Peak RSS of the exporter is measured at 1M and 4M rows.
//
//   node bench/export.mjs [--rows 1000000] [--rss-rows 4000000] [--runs 5] [--skip-pg] [--json FILE] [--short]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
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
const RSS_ROWS = Number(opt('rss-rows', sized('4000000', '4000')));
const RUNS = Number(opt('runs', sized('5', '1')));
const SKIP_PG = args.includes('--skip-pg');
const JSON_OUT = opt('json', undefined);
const CLI = path.join(repo, 'dist', 'bundle', 'exportctl.mjs');
const QUERY =
  'SELECT id, customer_name, city, amount, currency, status, note, created_at, updated_at FROM orders ORDER BY id';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-bench-'));
const log = (...a) => console.error(...a);

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

/** A project whose `bench` environment exports every column of `orders` without a header. */
function project(name, database) {
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

async function* records(file) {
  const parser = fs.createReadStream(file).pipe(
    parse({
      cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value),
      relax_column_count: true,
    }),
  );
  for await (const rec of parser) yield rec;
}

/** Same rows after parsing; numbers compare as numbers (sqlite3 prints REAL with %.15g). */
async function compare(a, b) {
  const ia = records(a)[Symbol.asyncIterator]();
  const ib = records(b)[Symbol.asyncIterator]();
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
      if (ra[i] === rb[i]) continue;
      if (ra[i] !== null && rb[i] !== null && ra[i] !== '' && Number(ra[i]) === Number(rb[i])) {
        numeric++;
        continue;
      }
      throw new Error(`row ${n} field ${i}: ${JSON.stringify(ra[i])} vs ${JSON.stringify(rb[i])}`);
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

const report = { machine: { cpus: os.availableParallelism(), node: process.version }, results: [], rss: [] };
let pg;
try {
  log(`seeding ${ROWS} and ${RSS_ROWS} rows`);
  const db = seed(ROWS);
  const dbBig = seed(RSS_ROWS);
  const sqliteProj = project('sqlite', { driver: 'sqlite', url: `sqlite:${db}` });
  const oursOut = path.join(work, 'ours.csv');
  const theirsOut = path.join(work, 'theirs.csv');
  report.results.push(
    await duel(
      `SQLite → CSV, ${ROWS} rows (sqlite3 -csv)`,
      () => ours(sqliteProj, oursOut),
      () => theirs('sqlite3', ['-csv', db, QUERY], theirsOut),
      oursOut,
      theirsOut,
    ),
  );
  // One SQLite reader thread instead of the default one per CPU: slower, one isolate less.
  if (os.availableParallelism() >= 2) {
    const two = { EXPORTCTL_WORKERS: '1' };
    report.results.push(
      await duel(
        `SQLite → CSV, ${ROWS} rows (sqlite3 -csv), EXPORTCTL_WORKERS=1`,
        () => ours(sqliteProj, oursOut, two),
        () => theirs('sqlite3', ['-csv', db, QUERY], theirsOut),
        oursOut,
        theirsOut,
      ),
    );
    report.rss.push({ source: 'sqlite, 1 worker', ...peakRss(sqliteProj, ROWS, oursOut, two) });
  }
  report.rss.push({ source: 'sqlite', ...peakRss(sqliteProj, ROWS, oursOut) });
  const sqliteBig = project('sqlite-big', { driver: 'sqlite', url: `sqlite:${dbBig}` });
  report.rss.push({ source: 'sqlite', ...peakRss(sqliteBig, RSS_ROWS, oursOut) });
  if (os.availableParallelism() >= 2) {
    report.rss.push({
      source: 'sqlite, 1 worker',
      ...peakRss(sqliteBig, RSS_ROWS, oursOut, { EXPORTCTL_WORKERS: '1' }),
    });
  }

  if (!SKIP_PG) {
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
