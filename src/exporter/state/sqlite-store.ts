/** The default state store: one SQLite file (`<project>/.exportctl/state.db`), WAL, fsync on commit. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Checkpoint, HighWaterMark, JobRecord, JobUpdate, RateDecision, StateStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  env TEXT NOT NULL,
  user TEXT NOT NULL,
  status TEXT NOT NULL,
  resumable INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_env_created ON jobs (env, created_at);
CREATE TABLE IF NOT EXISTS high_water_marks (
  scope TEXT PRIMARY KEY,
  mark TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rate_ledger (
  subject TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_ledger_subject_at ON rate_ledger (subject, at);
`;

export function defaultStatePath(projectRoot: string): string {
  return path.join(projectRoot, '.exportctl', 'state.db');
}

export class SqliteStateStore implements StateStore {
  readonly #db: Database.Database;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file, { timeout: 5000 });
    this.#db.pragma('journal_mode = WAL');
    // A checkpoint is only worth its fsync: commit durably.
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(SCHEMA);
  }

  async createJob(job: JobRecord): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO jobs (id, env, user, status, resumable, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        job.id,
        job.env,
        job.user,
        job.status,
        job.resumable ? 1 : 0,
        job.createdAt,
        job.updatedAt,
        JSON.stringify(job),
      );
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const rec = this.#db.prepare('SELECT record FROM jobs WHERE id = ?').pluck().get(id) as
      | string
      | undefined;
    return rec === undefined ? undefined : (JSON.parse(rec) as JobRecord);
  }

  async newestResumableJob(env: string): Promise<JobRecord | undefined> {
    const rec = this.#db
      .prepare(
        `SELECT record FROM jobs WHERE env = ? AND (status = 'running' OR (status = 'failed' AND resumable = 1))
         ORDER BY created_at DESC, id DESC LIMIT 1`,
      )
      .pluck()
      .get(env) as string | undefined;
    return rec === undefined ? undefined : (JSON.parse(rec) as JobRecord);
  }

  #modify(id: string, change: (job: JobRecord) => void): void {
    this.#db.transaction(() => {
      const rec = this.#db.prepare('SELECT record FROM jobs WHERE id = ?').pluck().get(id) as
        | string
        | undefined;
      if (rec === undefined) throw new Error(`no job ${id}`);
      const job = JSON.parse(rec) as JobRecord;
      change(job);
      job.updatedAt = Date.now();
      this.#db
        .prepare('UPDATE jobs SET status = ?, resumable = ?, updated_at = ?, record = ? WHERE id = ?')
        .run(job.status, job.resumable ? 1 : 0, job.updatedAt, JSON.stringify(job), id);
    })();
  }

  async saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void> {
    this.#modify(id, (job) => {
      job.checkpoint = checkpoint;
    });
  }

  async updateJob(id: string, update: JobUpdate): Promise<void> {
    this.#modify(id, (job) => {
      Object.assign(job, update);
    });
  }

  async getHighWaterMark(scope: string): Promise<HighWaterMark | undefined> {
    const rec = this.#db.prepare('SELECT mark FROM high_water_marks WHERE scope = ?').pluck().get(scope) as
      | string
      | undefined;
    return rec === undefined ? undefined : (JSON.parse(rec) as HighWaterMark);
  }

  async setHighWaterMark(scope: string, mark: HighWaterMark): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO high_water_marks (scope, mark, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (scope) DO UPDATE SET mark = excluded.mark, updated_at = excluded.updated_at`,
      )
      .run(scope, JSON.stringify(mark), Date.now());
  }

  async takeRateSlot(subject: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    // IMMEDIATE: two processes counting at once cannot both take the last slot.
    return this.#db
      .transaction((): RateDecision => {
        this.#db
          .prepare('DELETE FROM rate_ledger WHERE subject = ? AND at <= ?')
          .run(subject, now - windowMs);
        const times = this.#db
          .prepare('SELECT at FROM rate_ledger WHERE subject = ? ORDER BY at')
          .pluck()
          .all(subject) as number[];
        if (times.length >= limit) {
          return { allowed: false, retryAt: times[times.length - limit] + windowMs, used: times.length };
        }
        const { lastInsertRowid } = this.#db
          .prepare('INSERT INTO rate_ledger (subject, at) VALUES (?, ?)')
          .run(subject, now);
        return { allowed: true, used: times.length + 1, slot: String(lastInsertRowid) };
      })
      .immediate();
  }

  async releaseRateSlot(subject: string, slot: string): Promise<void> {
    this.#db.prepare('DELETE FROM rate_ledger WHERE rowid = ? AND subject = ?').run(Number(slot), subject);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
