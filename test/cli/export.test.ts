/** `exportctl export` as a user runs it: validation first, then exit codes per docs/reference.md#exit-codes. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { REPO, hasStackTrace, runCli } from '../helpers/cli.js';
import { type ExportProject, exportProject } from '../helpers/export-project.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

type Obj = Record<string, any>;
let work: string;
let db: string;
let project: ExportProject;

beforeAll(() => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-cli-export-'));
  db = path.join(work, 'orders.db');
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    '5000',
    '--out',
    db,
  ]);
}, 60_000);
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});
afterEach(() => project?.cleanup());

function exportIn(args: string[], env: Record<string, string> = {}) {
  return runCli(['export', '--env', 'dev', ...args], { cwd: project.dir, env });
}

function logLines(stderr: string): Obj[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

describe('exportctl export', () => {
  it('exports the example and prints a JSON summary', () => {
    project = exportProject(db);
    const r = exportIn(['--format', 'json', '--user', 'carol']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(Object.keys(summary).sort()).toEqual(
      ['bytes', 'duration_ms', 'encoding', 'file', 'incremental', 'job', 'replaced', 'rows', 'sha256'].sort(),
    );
    expect(summary.incremental).toEqual({ column: 'updated_at', after: null, full: false });
    expect(summary.rows).toBe(5000);
    expect(summary.file).toBe(path.join(project.dir, 'exports', `orders-export-dev-${summary.job}.csv`));
    const rows = parse(fs.readFileSync(summary.file, 'utf8'), { columns: true }) as Obj[];
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toHaveProperty('customer');
    for (const l of logLines(r.stderr)) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['level', 'ts', 'msg', 'job']));
    }
    // Incremental: nothing changed since, so the next run has no rows, and says so: from
    // which mark, and how to export everything; --full has them all.
    const second = exportIn([]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^exported 0 rows/);
    expect(second.stdout).toMatch(
      /window {2}incremental: rows after updated_at = \S.* \(key \d+\), the mark of the last run/,
    );
    expect(second.stdout).toContain(
      'nothing changed since; export every row with: exportctl export --env dev --full',
    );
    const secondJson = JSON.parse(exportIn(['--format', 'json']).stdout);
    expect(secondJson.rows).toBe(0);
    expect(secondJson.incremental.after).toMatchObject({
      cursor: expect.any(String),
      key: expect.any(Number),
    });
    expect(JSON.parse(exportIn(['--format', 'json', '--full']).stdout).rows).toBe(5000);
    const text = exportIn(['--full']);
    expect(text.stdout).toMatch(/^exported 5,000 rows to exports\/orders-export-dev-.*\.csv/);
    expect(text.stdout).toContain('window  every row (--full)');
  });

  it('validates first: a config with errors exits 1 and exports nothing', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.export as Obj).timeout = 300; // a bare number where a duration belongs
    });
    const r = exportIn([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('schema/invalid');
    expect(r.stderr).toContain('nothing exported');
    expect(fs.existsSync(path.join(project.dir, 'exports'))).toBe(false);
  });

  it('exits 4 with ROW_LIMIT_EXCEEDED past max_rows, leaving no file', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.export as Obj).limits.max_rows = 1000;
    });
    const r = exportIn(['--format', 'json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).error.code).toBe('ROW_LIMIT_EXCEEDED');
    expect(r.stderr).toContain('ROW_LIMIT_EXCEEDED');
    expect(logLines(r.stderr).some((l) => l.level === 'error' && l.code === 'ROW_LIMIT_EXCEEDED')).toBe(true);
    expect(fs.readdirSync(path.join(project.dir, 'exports'))).toEqual([]);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('exits 3 with RATE_LIMITED on a user’s request past per_user_per_hour', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.export as Obj).limits.per_user_per_hour = 1;
    });
    fs.writeFileSync(
      path.join(project.dir, 'config', 'envs', 'dev.yaml'),
      'server:\n  host: 127.0.0.1\nexport:\n  chunk_size: 500\n',
    );
    expect(exportIn(['--user', 'dave']).code).toBe(0);
    const r = exportIn(['--user', 'dave', '--format', 'json']);
    expect(r.code).toBe(3);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfterSeconds).toBeGreaterThan(3500);
    expect(r.stderr).toMatch(/retry in \d+[hm]/);
    expect(exportIn(['--user', 'erin']).code).toBe(0);
  });

  it('exits 3 with DISK_BREAKER_OPEN when the output filesystem is above the breaker', () => {
    project = exportProject(db);
    const mnt = path.join(work, 'small-fs');
    fs.mkdirSync(mnt, { recursive: true });
    const tmpfs = mountTmpfs(mnt, '4m');
    try {
      // Fill the small filesystem to ~90%, above the 85% breaker.
      fs.writeFileSync(path.join(mnt, 'filler'), Buffer.alloc(Math.floor(4 * 1024 * 1024 * 0.9)));
      const r = exportIn(['--out', path.join(mnt, 'orders.csv'), '--format', 'json']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).error.code).toBe('DISK_BREAKER_OPEN');
      expect(fs.readdirSync(mnt)).toEqual(['filler']);
    } finally {
      tmpfs.unmount();
    }
  });

  it('exits 4 with TIMEOUT past export.timeout, resumable', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      // Short, yet valid: the statement timeout and retries fit inside it (timeouts/ordering).
      (b.export as Obj).timeout = '1ms';
      (b.export as Obj).retry.attempts = 0;
      (b.database as Obj).statement_timeout = '500us';
    });
    const r = exportIn(['--format', 'json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).error.code).toBe('TIMEOUT');
  });

  it('never prints a database password', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.database as Obj).driver = 'postgres';
      // The example's default (sqlite:…) is no postgres URL: database/url rejects it.
      (b.database as Obj).url = '${DATABASE_URL}';
      (b.export as Obj).retry.attempts = 0;
    });
    const r = exportIn([], { DATABASE_URL: 'postgres://app:hunter2secret@127.0.0.1:1/orders' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('SOURCE_UNAVAILABLE');
    expect(r.stderr + r.stdout).not.toContain('hunter2secret');
  });
});
