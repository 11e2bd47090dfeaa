/**
 * The job's injected clock (`RunExportOptions.now`) is the only clock behind what a job
 * reports: the manifest's times, the state store's finishedAt (success and failure), the
 * result's duration and the progress's elapsed time. And retries wait by one backoff rule.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExportProgress, ExportError, runExport, SqliteStateStore } from '../../src/exporter/index.js';
import { backoffDelay } from '../../src/exporter/retry.js';
import { testValues } from '../helpers/example-config.js';
import { trickyRows } from './fixtures.js';

/** 2001-02-03T04:05:06Z, far from any real "now"; each reading moves the clock 1 s on. */
const T0 = Date.UTC(2001, 1, 3, 4, 5, 6);
function fakeClock() {
  let t = T0;
  let readings = 0;
  const now = () => {
    readings++;
    t += 1000;
    return t;
  };
  return { now, readings: () => readings, last: () => t };
}

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-clock-'));
  const db = new Database(path.join(dir, 'data.db'));
  db.exec(
    'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, note TEXT, amount REAL, qty INTEGER, updated_at TEXT NOT NULL)',
  );
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of trickyRows(1000)) ins.run(...r);
  })();
  db.close();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function storedJob(id: string) {
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  try {
    return await store.getJob(id);
  } finally {
    await store.close();
  }
}

describe('the injected clock', () => {
  it('dates the manifest, the stored record, the duration and the progress of a finished job', async () => {
    const clock = fakeClock();
    const progress: ExportProgress[] = [];
    const res = await runExport({
      values: testValues({ export: { chunk_size: 100 } }),
      projectRoot: dir,
      env: 'test',
      user: 'alice',
      statePath: path.join(dir, 'state.db'),
      now: clock.now,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(res.rows).toBe(1000);
    const manifest = JSON.parse(fs.readFileSync(res.manifest, 'utf8')) as {
      startedAt: string;
      finishedAt: string;
    };
    const started = Date.parse(manifest.startedAt);
    const finished = Date.parse(manifest.finishedAt);
    // Every time lies on the fake clock's ticks, between its first and last reading.
    for (const t of [started, finished]) {
      expect(t).toBeGreaterThan(T0);
      expect(t).toBeLessThanOrEqual(clock.last());
      expect((t - T0) % 1000).toBe(0);
    }
    expect(finished).toBeGreaterThan(started);
    const job = await storedJob(res.job);
    expect(job?.status).toBe('succeeded');
    expect(job?.finishedAt).toBe(finished);
    // The duration is measured on the same clock: a whole number of its ticks, no more than it read.
    expect(res.duration_ms).toBeGreaterThan(0);
    expect(res.duration_ms % 1000).toBe(0);
    expect(res.duration_ms).toBeLessThanOrEqual(clock.readings() * 1000);
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p.elapsedMs).toBeGreaterThan(0);
      expect(p.elapsedMs % 1000).toBe(0);
      expect(p.elapsedMs).toBeLessThanOrEqual(clock.readings() * 1000);
    }
  });

  it('dates the stored record of a failed job', async () => {
    const clock = fakeClock();
    let error: unknown;
    try {
      await runExport({
        values: testValues({ export: { limits: { max_rows: 10 } } }),
        projectRoot: dir,
        env: 'test',
        user: 'alice',
        statePath: path.join(dir, 'state.db'),
        jobId: 'clocked-failure',
        now: clock.now,
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('ROW_LIMIT_EXCEEDED');
    const job = await storedJob('clocked-failure');
    expect(job?.status).toBe('failed');
    expect(job?.createdAt).toBeGreaterThan(T0);
    expect(job?.finishedAt).toBeGreaterThan(job?.createdAt ?? Number.POSITIVE_INFINITY);
    expect(job?.finishedAt).toBeLessThanOrEqual(clock.last());
  });
});

describe('retry backoff', () => {
  const retry = { retries: 10, initialBackoffMs: 100, maxBackoffMs: 1000 };

  it('doubles from the initial backoff and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(retry, a))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('never exceeds the maximum, even where doubling overflows to Infinity', () => {
    expect(backoffDelay(retry, 2000)).toBe(1000);
  });
});
