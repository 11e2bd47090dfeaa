/**
 * `exportctl export` against a real PostgreSQL and SQLite: a PostgreSQL export that
 * succeeds, SOURCE_QUERY_FAILED and PERMISSION_DENIED with their exit code, `--resume` and
 * `--resume JOB` after TIMEOUT, and EXPORTCTL_WORKERS, all through the CLI.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../src/exporter/encoding.js';
import { ExportError, runExport } from '../../src/exporter/index.js';
import type { OutputEncoding } from '../../src/exporter/settings.js';
import { ensureBuilt } from '../helpers/build.js';
import { REPO, hasStackTrace, runCli } from '../helpers/cli.js';
import { testValues } from '../helpers/example-config.js';
import { type ExportProject, exportProject } from '../helpers/export-project.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

type Obj = Record<string, any>;
let server: PostgresServer;
let work: string;
let db: string;
let project: ExportProject;
const ROWS = 3000;

beforeAll(async () => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-cli-errors-'));
  db = path.join(work, 'orders.db');
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    '5000',
    '--out',
    db,
  ]);
  server = await startPostgres();
  server.psql(`
    CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2));
    INSERT INTO items SELECT g, 'item ' || g || CASE WHEN g % 9 = 0 THEN ', "quoted"' ELSE '' END, g * 1.25
      FROM generate_series(1, ${ROWS}) g;
    CREATE ROLE outsider LOGIN;
  `);
}, 120_000);
afterAll(() => {
  server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});
afterEach(() => project?.cleanup());

function exportIn(args: string[], env: Record<string, string> = {}) {
  return runCli(['export', '--env', 'dev', '--user', 'cli', ...args], {
    cwd: project.dir,
    env,
    timeout: 120_000,
  });
}

function logLines(stderr: string): Obj[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** The example project reading `items` from the test server (or `query`). */
function postgresProject(source: Obj = { table: 'items', key: 'id' }) {
  project = exportProject(db);
  project.patchBase((b) => {
    b.database = {
      ...(b.database as Obj),
      driver: 'postgres',
      url: '${DATABASE_URL}',
      statement_timeout: '30s',
    };
    const ex = b.export as Obj;
    ex.source = source;
    delete ex.columns;
    ex.retry.attempts = 0;
    delete ex.limits.per_user_per_hour;
  });
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('export through the CLI, PostgreSQL', () => {
  it('a PostgreSQL export succeeds: every row, the summary, the manifest', () => {
    postgresProject();
    const r = exportIn(['--format', 'json'], { DATABASE_URL: server.url });
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.rows).toBe(ROWS);
    const rows = parse(fs.readFileSync(s.file, 'utf8'), { columns: true }) as Obj[];
    expect(rows).toHaveLength(ROWS);
    expect(rows[8]).toEqual({ id: '9', name: 'item 9, "quoted"', price: '11.25' });
    expect(rows.map((x) => Number(x.id))).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(sha256(s.file)).toBe(s.sha256);
    const manifest = JSON.parse(fs.readFileSync(`${s.file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({
      rows: ROWS,
      sha256: s.sha256,
      key: { column: 'id', first: '1', last: String(ROWS) },
    });
    expect(r.stderr).not.toContain(server.url);
  });

  it('SOURCE_QUERY_FAILED: a query that fails in the database exits 4, no file at the target', () => {
    postgresProject({ query: 'SELECT id, 100 / (id - 2500) AS q FROM items', key: 'id' });
    const r = exportIn(['--format', 'json', '--out', 'q.csv'], {
      DATABASE_URL: server.url,
      EXPORTCTL_WORKERS: '0',
    });
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.code).toBe(4);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('SOURCE_QUERY_FAILED');
    expect(err.message).toMatch(/division by zero/);
    expect(r.stderr).toContain('exportctl: SOURCE_QUERY_FAILED: query failed: division by zero');
    expect(fs.existsSync(path.join(project.dir, 'q.csv'))).toBe(false);
  });

  it('PERMISSION_DENIED: a role without SELECT on the table exits 4', () => {
    postgresProject();
    const url = server.url.replace(/\/\/[^@/]*@/, '//outsider@').replace(/\/\/(?![^/]*@)/, '//outsider@');
    const r = exportIn(['--format', 'json'], { DATABASE_URL: url });
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.code).toBe(4);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.message).toMatch(/permission denied for table items/);
  });
});

describe('--resume after TIMEOUT, through the CLI', () => {
  it('a job that timed out resumes (newest, and by id) once export.timeout is raised: the same bytes', () => {
    // Each row read costs 1 ms in the database (a chunk query scans the 3000 rows: ~3 s), so a
    // 5 s budget ends the job after its source is open and its job recorded, part way through.
    postgresProject({ query: 'SELECT id, name, pg_sleep(0.001)::text AS slow FROM items', key: 'id' });
    const env = { DATABASE_URL: server.url, EXPORTCTL_WORKERS: '0' };
    project.patchBase((b) => {
      (b.export as Obj).timeout = '5s';
      (b.export as Obj).chunk_size = 1000;
      delete (b.database as Obj).statement_timeout;
    });
    const timedOut = () => {
      const r = exportIn(['--format', 'json'], env);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.code).toBe(4);
      expect(JSON.parse(r.stdout).error.code).toBe('TIMEOUT');
      const failed = logLines(r.stderr).find((l) => l.code === 'TIMEOUT' && l.job);
      expect(failed).toMatchObject({ resumable: true, resume: `--resume ${failed?.job}` });
      return failed!.job as string;
    };
    const first = timedOut();
    const second = timedOut();
    // Raising the time budget does not change what the job writes: it may resume.
    project.patchBase((b) => {
      (b.export as Obj).timeout = '300s';
    });
    const byId = exportIn(['--format', 'json', '--resume', first], env);
    expect(byId.code).toBe(0);
    const a = JSON.parse(byId.stdout);
    expect(a.job).toBe(first);
    expect(a.rows).toBe(ROWS);
    const newest = exportIn(['--resume'], env);
    expect(newest.code).toBe(0);
    expect(newest.stdout).toContain(`job     ${second} (resumed)`);
    // Nothing left to resume; a fresh full run writes the same bytes as the resumed ones.
    const none = exportIn(['--resume'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('CONFIG_INVALID: no unfinished export job of dev to resume');
    const fresh = JSON.parse(exportIn(['--format', 'json'], env).stdout);
    expect(fresh.sha256).toBe(a.sha256);
    expect(sha256(a.file)).toBe(a.sha256);
    const rows = parse(fs.readFileSync(a.file, 'utf8'), { columns: true }) as Obj[];
    expect(new Set(rows.map((x) => x.id)).size).toBe(ROWS);
  }, 240_000);
});

describe('EXPORTCTL_WORKERS through the CLI (SQLite)', () => {
  it('0 reads in the job thread, 2 in two worker threads; the same bytes; a bad value is a usage error', () => {
    project = exportProject(db);
    const run = (workers: string) => {
      const r = exportIn(['--format', 'json', '--full'], { EXPORTCTL_WORKERS: workers });
      expect(r.code).toBe(0);
      const finished = logLines(r.stderr).find((l) => l.msg === 'export finished');
      return { summary: JSON.parse(r.stdout), finished };
    };
    const one = run('0');
    expect(one.finished).toMatchObject({ reader: 'rows', readers: 1 });
    const two = run('2');
    expect(two.finished).toMatchObject({ reader: 'parallel', readers: 2 });
    expect(two.summary.rows).toBe(5000);
    expect(two.summary.sha256).toBe(one.summary.sha256);
    const bad = exportIn([], { EXPORTCTL_WORKERS: 'many' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('EXPORTCTL_WORKERS expects a whole number, got "many"');
    expect(hasStackTrace(bad.stderr)).toBe(false);
  });
});

describe('ENCODING_UNSUPPORTED', () => {
  it('the encoder refuses an encoding it cannot write; a config naming one is CONFIG_INVALID first', async () => {
    expect(() => createEncoder('latin-99' as OutputEncoding, 'fail')).toThrow(
      expect.objectContaining({
        code: 'ENCODING_UNSUPPORTED',
        message: 'output encoding latin-99 is not supported',
      }),
    );
    project = exportProject(db);
    const values = testValues({ export: { output: { encoding: 'latin-99' } } }) as Obj;
    const err = await runExport({ values, projectRoot: project.dir, env: 'dev' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', details: { path: 'export.output.encoding' } });
  });
});
