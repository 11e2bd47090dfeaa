/** Service job records for the memory queue: a table in the project's SQLite state file. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { ServiceJob, ServiceJobStore, ServiceJobUpdate } from '../jobs.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS service_jobs (
  id TEXT PRIMARY KEY,
  env TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  stale INTEGER NOT NULL DEFAULT 0,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS service_jobs_status ON service_jobs (env, status, created_at);
`;

export class SqliteServiceJobStore implements ServiceJobStore {
  readonly #db: Database.Database;

  constructor(
    file: string,
    readonly env: string,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file, { timeout: 5000 });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(SCHEMA);
  }

  #write(job: ServiceJob, insert: boolean): void {
    const sql = insert
      ? 'INSERT INTO service_jobs (env, status, created_at, finished_at, stale, record, id) VALUES (?, ?, ?, ?, ?, ?, ?)'
      : 'UPDATE service_jobs SET env = ?, status = ?, created_at = ?, finished_at = ?, stale = ?, record = ? WHERE id = ?';
    this.#db
      .prepare(sql)
      .run(
        job.env,
        job.status,
        job.createdAt,
        job.finishedAt ?? null,
        job.stale ? 1 : 0,
        JSON.stringify(job),
        job.id,
      );
  }

  async create(job: ServiceJob): Promise<void> {
    this.#write(job, true);
  }

  async get(id: string): Promise<ServiceJob | undefined> {
    const rec = this.#db.prepare('SELECT record FROM service_jobs WHERE id = ?').pluck().get(id) as
      | string
      | undefined;
    return rec === undefined ? undefined : (JSON.parse(rec) as ServiceJob);
  }

  async update(id: string, update: ServiceJobUpdate): Promise<ServiceJob> {
    return this.#db.transaction(() => {
      const rec = this.#db.prepare('SELECT record FROM service_jobs WHERE id = ?').pluck().get(id) as
        | string
        | undefined;
      if (rec === undefined) throw new Error(`no service job ${id}`);
      const job = { ...(JSON.parse(rec) as ServiceJob), ...update };
      this.#write(job, false);
      return job;
    })();
  }

  async unfinished(): Promise<ServiceJob[]> {
    return (
      this.#db
        .prepare(
          `SELECT record FROM service_jobs WHERE env = ? AND status IN ('queued', 'running') ORDER BY created_at, id`,
        )
        .pluck()
        .all(this.env) as string[]
    ).map((r) => JSON.parse(r) as ServiceJob);
  }

  async newestSucceeded(user: string): Promise<ServiceJob | undefined> {
    const rows = this.#db
      .prepare(
        `SELECT record FROM service_jobs WHERE env = ? AND status = 'succeeded' AND stale = 0
         AND json_extract(record, '$.user') = ? ORDER BY finished_at DESC LIMIT 20`,
      )
      .pluck()
      .all(this.env, user) as string[];
    for (const r of rows) {
      const job = JSON.parse(r) as ServiceJob;
      if (job.user === user && job.file && fs.existsSync(job.file)) return job;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
