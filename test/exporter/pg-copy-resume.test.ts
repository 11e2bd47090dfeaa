/**
 * An incremental PostgreSQL export through COPY (SELECT …) with a rename and a truncation,
 * cancelled half way and resumed, writes the file an uninterrupted JS-path run writes,
 * with the same manifest, and leaves the high-water mark where the next run starts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportError, type RunExportOptions, runExport } from '../../src/exporter/index.js';
import { testValues } from '../helpers/example-config.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const ROWS = 120_000;
let server: PostgresServer;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-pgresume-'));
  // The cursor is not in key order: ver goes up and down with id.
  server.psql(
    `CREATE TABLE events AS SELECT g AS id, 'name ' || g || CASE WHEN g % 7 = 0 THEN ', "北京" 😀' ELSE '' END AS name,
       (g % 1000) * 1000 + g / 1000 AS ver FROM generate_series(1, ${ROWS}) g;
     ALTER TABLE events ADD PRIMARY KEY (id)`,
  );
}, 120_000);

afterAll(() => {
  server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function options(env: string, columns: unknown[], extra: Partial<RunExportOptions> = {}): RunExportOptions {
  return {
    values: testValues({
      database: { driver: 'postgres', url: '${PG_URL}' },
      export: {
        source: { table: 'events', key: 'id', incremental: { column: 'ver', type: 'integer' } },
        columns,
        chunk_size: 1000,
      },
    }),
    projectRoot: dir,
    env,
    user: 'alice',
    rateLimit: false,
    statePath: path.join(dir, 'state.db'),
    processEnv: { PG_URL: server.url },
    ...extra,
  };
}

const CASES = [
  {
    name: 'parallel COPY ranges, key not an output column',
    columns: [{ name: 'label', from: 'name', max_length: 9 }, { name: 'ver' }],
    workers: 2,
    path: 'parallel-copy',
  },
  {
    name: 'one COPY stream, key and cursor from the rows',
    columns: [{ name: 'id' }, { name: 'label', from: 'name', max_length: 9 }, { name: 'ver' }],
    workers: 0,
    path: 'copy',
  },
];

describe('incremental PostgreSQL export through COPY, cancelled and resumed', () => {
  for (const [i, c] of CASES.entries()) {
    it(c.name, { timeout: 120_000 }, async () => {
      const reference = await runExport(
        options(`ref${i}`, c.columns, { out: path.join(dir, `ref${i}.csv`), allowCopy: false }),
      );
      expect(reference.path).toBe('rows');
      expect(reference.rows).toBe(ROWS);

      const env = `env${i}`;
      const out = path.join(dir, `resumed${i}.csv`);
      const controller = new AbortController();
      const err = await runExport(
        options(env, c.columns, {
          out,
          workers: c.workers,
          copyRangeBytes: 32 << 10,
          checkpointIntervalMs: 10,
          progressIntervalMs: 0,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.rows > ROWS / 3) controller.abort();
          },
        }),
      ).catch((e: unknown) => e);
      expect((err as ExportError).code).toBe('CANCELLED');
      expect(fs.existsSync(out)).toBe(false);

      let resumedAt = -1;
      const logger = {
        log: (_level: string, _msg: string, fields?: Record<string, unknown>) => {
          if (typeof fields?.rows === 'number' && resumedAt < 0) resumedAt = fields.rows;
        },
      };
      const resumed = await runExport(options(env, c.columns, { resume: true, workers: c.workers, logger }));
      // It went on from a checkpoint past a third of the rows, not from the start.
      expect(resumedAt).toBeGreaterThan(ROWS / 3);
      expect(resumedAt).toBeLessThan(ROWS);
      expect(resumed.resumed).toBe(true);
      expect(resumed.path).toBe(c.path);
      expect(resumed.file).toBe(out);
      expect(resumed.rows).toBe(ROWS);
      expect(resumed.sha256).toBe(reference.sha256);
      expect(fs.readFileSync(out).equals(fs.readFileSync(reference.file))).toBe(true);
      const m = JSON.parse(fs.readFileSync(resumed.manifest, 'utf8'));
      const r = JSON.parse(fs.readFileSync(reference.manifest, 'utf8'));
      expect(m.key).toEqual(r.key);
      expect(m.cursor).toEqual(r.cursor);
      expect(m.cursor).toEqual({ column: 'ver', min: '1', max: String(999 * 1000 + 119) });

      // The mark sits after the greatest cursor: only a newer row is exported next.
      expect((await runExport(options(env, c.columns, { workers: c.workers }))).rows).toBe(0);
      server.psql(`INSERT INTO events VALUES (${ROWS + 1 + i}, 'late', ${10_000_000 + i})`);
      const next = await runExport(options(env, c.columns, { workers: c.workers }));
      expect(next.path).toBe(c.path);
      expect(next.rows).toBe(1);
      expect(fs.readFileSync(next.file, 'utf8')).toContain(`late,${10_000_000 + i}`);
      server.psql(`DELETE FROM events WHERE id > ${ROWS}`);
    });
  }
});
