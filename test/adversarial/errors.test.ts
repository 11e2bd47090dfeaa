/**
 * Errors a user can see: each a typed value with a code, mapped to an exit code in one place
 * (`src/cli/exit-codes.ts`). An internal error has its own exit code (70) and one line; a
 * job another process runs is JOB_RUNNING (exit 3), not CONFIG_INVALID; an error that neither
 * the source nor the system raised is INTERNAL, not SOURCE_QUERY_FAILED; a usage error carries
 * the code USAGE in `--format json`.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, errorExitCode, exportExitCode, serviceStartExitCode } from '../../src/cli/exit-codes.js';
import { UsageError } from '../../src/diagnostics/usage-error.js';
import { EXPORT_ERROR_CODES, ExportError, classifySourceError } from '../../src/exporter/errors.js';
import { SqliteStateStore, defaultStatePath } from '../../src/exporter/index.js';
import { TerraformError } from '../../src/plan/terraform-cli.js';
import { ensureBuilt } from '../helpers/build.js';
import { CLI, REPO, hasStackTrace, runCli } from '../helpers/cli.js';
import { type ExportProject, exportProject } from '../helpers/export-project.js';

let work: string;
let db: string;

beforeAll(() => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-errors-'));
  db = path.join(work, 'orders.db');
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    '200',
    '--out',
    db,
  ]);
}, 120_000);
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('an internal error', () => {
  // A working directory removed under the process: nothing a command expects, so the CLI's
  // last resort answers. Run through a shell that enters the directory, then removes it.
  const inRemovedDir = (env: Record<string, string> = {}) => {
    const dir = fs.mkdtempSync(path.join(work, 'gone-'));
    const r = spawnSync(
      '/bin/sh',
      ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" check', 'sh', dir, process.execPath, CLI],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', EXPORTCTL_DEBUG: '', ...env },
        timeout: 60_000,
      },
    );
    return { code: r.status, stderr: String(r.stderr ?? '').replace(/^sh: .*getcwd.*\n/m, '') };
  };

  it('exits 70 (not 2, the usage code) with one line and no stack trace', () => {
    const r = inRemovedDir();
    expect(r.code).toBe(EXIT.INTERNAL);
    expect(r.code).toBe(70);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^exportctl: internal error: .*uv_cwd/);
    expect(lines[0]).toContain('EXPORTCTL_DEBUG=1');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('shows the stack with EXPORTCTL_DEBUG=1, and still exits 70', () => {
    const r = inRemovedDir({ EXPORTCTL_DEBUG: '1' });
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^exportctl: internal error: /m);
    expect(hasStackTrace(r.stderr)).toBe(true);
  });

  it('70 is in no other row of the table, and every error that is not ours maps to it', () => {
    const others = Object.entries(EXIT)
      .filter(([k]) => k !== 'INTERNAL')
      .map(([, v]) => v);
    expect(others).not.toContain(EXIT.INTERNAL);
    for (const err of [
      new TypeError('x is not a function'),
      new RangeError('too deep'),
      'a string',
      undefined,
    ])
      expect(errorExitCode(err)).toBe(70);
    expect(errorExitCode(new UsageError('--env is missing'))).toBe(EXIT.USAGE);
    expect(errorExitCode(new CommanderError(1, 'commander.unknownOption', 'unknown option'))).toBe(
      EXIT.USAGE,
    );
    expect(errorExitCode(new CommanderError(0, 'commander.helpDisplayed', '(help)'))).toBe(EXIT.OK);
    expect(errorExitCode(new ExportError('INTERNAL', 'internal error: boom'))).toBe(70);
    expect(errorExitCode(new ExportError('ROW_LIMIT_EXCEEDED', 'too many rows'))).toBe(EXIT.JOB_FAILED);
    const tf = new TerraformError('terraform init failed');
    expect(tf.code).toBe('TERRAFORM_FAILED');
    expect(errorExitCode(tf)).toBe(EXIT.USAGE);
    expect(new UsageError('x').code).toBe('USAGE');
  });

  it('every export error code and every service start code has an exit code from the table', () => {
    const table = new Set<number>(Object.values(EXIT));
    for (const code of EXPORT_ERROR_CODES) expect(table.has(exportExitCode(code)), code).toBe(true);
    expect(exportExitCode('JOB_RUNNING')).toBe(EXIT.REFUSED);
    expect(serviceStartExitCode('CONFIG_INVALID')).toBe(EXIT.FINDINGS);
    expect(serviceStartExitCode('PROJECT_UNUSABLE')).toBe(EXIT.USAGE);
    expect(serviceStartExitCode('NO_TOKENS')).toBe(EXIT.USAGE);
    expect(serviceStartExitCode('LISTEN_FAILED')).toBe(EXIT.USAGE);
    expect(serviceStartExitCode('QUEUE_UNAVAILABLE')).toBe(EXIT.JOB_FAILED);
  });
});

describe("the exporter's classifier", () => {
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    throw new Error('did not throw');
  };

  it('an error neither the source nor the system raised is INTERNAL, one line, not a failed query', () => {
    const bug = thrown(() => (undefined as unknown as { rows: number[] }).rows.length);
    expect(bug).toBeInstanceOf(TypeError);
    const e = classifySourceError(bug, 'query');
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/^internal error: /);
    const multi = classifySourceError(new Error('first line\n    at secret place'), 'query');
    expect(multi.code).toBe('INTERNAL');
    expect(multi.message).not.toContain('\n');
    expect(multi.message).not.toContain('secret place');
    // Node's own argument errors carry a code too (ERR_…): still ours, not the source's.
    const arg = thrown(() =>
      fs.readFileSync(42 as unknown as string, { encoding: 'nope' as BufferEncoding }),
    );
    expect(classifySourceError(arg, 'query').code).toBe('INTERNAL');
  });

  it("the database's own errors stay SOURCE_QUERY_FAILED; unreachable stays SOURCE_UNAVAILABLE", () => {
    const sqlite = new Database(':memory:');
    try {
      const err = thrown(() => sqlite.prepare('SELECT * FROM no_such_table').all());
      expect((err as { code: string }).code).toMatch(/^SQLITE_/);
      expect(classifySourceError(err, 'query').code).toBe('SOURCE_QUERY_FAILED');
    } finally {
      sqlite.close();
    }
    const missing = thrown(() => fs.readFileSync(path.join(work, 'no-such-file')));
    expect(classifySourceError(missing, 'connect').code).toBe('SOURCE_UNAVAILABLE');
    expect(classifySourceError(missing, 'query').code).toBe('SOURCE_QUERY_FAILED');
  });
});

describe('export: typed errors in --format json', () => {
  let project: ExportProject;
  afterAll(() => project?.cleanup());

  it('a usage error carries the code USAGE and exits 2', () => {
    project = exportProject(db);
    const r = runCli(['export', '--env', 'dev', '--user', 'cli', '--format', 'json'], {
      cwd: project.dir,
      env: { EXPORTCTL_WORKERS: 'many' },
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'USAGE', message: 'EXPORTCTL_WORKERS expects a whole number, got "many"' },
    });
    expect(r.stderr).toContain('exportctl: EXPORTCTL_WORKERS expects a whole number, got "many"');
    expect(hasStackTrace(r.stderr)).toBe(false);
  }, 120_000);

  it('resuming a job another live process runs is JOB_RUNNING (exit 3), and the job is left alone', async () => {
    project ??= exportProject(db);
    const first = runCli(['export', '--env', 'dev', '--user', 'cli', '--format', 'json', '--full'], {
      cwd: project.dir,
      timeout: 120_000,
    });
    expect(first.code).toBe(0);
    const id = JSON.parse(first.stdout).job as string;
    // Another process on this host holds the job (a live pid that is neither ours nor the CLI's).
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const store = new SqliteStateStore(defaultStatePath(project.dir));
      await store.updateJob(id, { status: 'running', pid: holder.pid!, host: os.hostname() });
      await store.close();
      const r = runCli(['export', '--env', 'dev', '--user', 'cli', '--format', 'json', '--resume', id], {
        cwd: project.dir,
        timeout: 120_000,
      });
      expect(r.code).toBe(EXIT.REFUSED);
      const error = JSON.parse(r.stdout).error;
      expect(error.code).toBe('JOB_RUNNING');
      expect(error.message).toContain(`job ${id} is still running (pid ${holder.pid})`);
      expect(r.stderr).not.toContain('CONFIG_INVALID');
      const after = new SqliteStateStore(defaultStatePath(project.dir));
      expect((await after.getJob(id))?.status).toBe('running');
      await after.close();
    } finally {
      holder.kill('SIGKILL');
    }
  }, 180_000);
});
