/** SQLite through better-sqlite3: read-only, one snapshot per attempt, keyset chunks. */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { ExportError, classifySourceError } from '../errors.js';
import type { ColumnKind, Row, SqlValue } from '../row.js';
import {
  type ReadRequest,
  type RowChunk,
  type SliceRequest,
  type Source,
  type TextSlice,
  fromClause,
  quoteIdent,
  keyBoundarySql,
  whereClause,
} from './source.js';
import { sliceSql } from './sqlite-slice-sql.js';

/** Rows of a first slice, before the rows' size is known. */
const FIRST_SLICE_ROWS = 32;

export interface SqliteSourceOptions {
  file: string;
  table?: string;
  query?: string;
  busyTimeoutMs: number;
}

export function openSqliteSource(opts: SqliteSourceOptions): Source {
  if (!fs.existsSync(opts.file)) {
    throw new ExportError('SOURCE_UNAVAILABLE', `sqlite database ${opts.file} does not exist`);
  }
  let db: Database.Database;
  try {
    db = new Database(opts.file, { readonly: true, fileMustExist: true, timeout: opts.busyTimeoutMs });
    // Exports read forward once: the OS page cache serves them better than a private cache.
    db.pragma('cache_size = -2048');
  } catch (err) {
    throw classifySourceError(err, 'connect');
  }
  const from = fromClause(opts);
  const boundaryStatements = new Map<string, Database.Statement>();
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw classifySourceError(err, 'query');
    }
  };
  const build = (req: ReadRequest) => {
    const params: SqlValue[] = [];
    const where = whereClause(req, (v) => {
      params.push(v);
      return '?';
    });
    return { where, params };
  };
  return {
    driver: 'sqlite',
    async columns() {
      return guard(() => {
        const stmt = db.prepare(`SELECT * FROM ${from} LIMIT 0`);
        return stmt.columns().map((c) => c.name);
      });
    },
    async kinds(select) {
      return select.map((): ColumnKind => 'auto');
    },
    async clockMinus(lagMs) {
      return guard(
        () =>
          db
            .prepare(`SELECT datetime('now', ?)`)
            .pluck()
            .get(`-${(lagMs / 1000).toFixed(3)} seconds`) as string,
      );
    },
    async count(req) {
      const { where, params } = build(req);
      return guard(() =>
        Number(
          db
            .prepare(`SELECT count(*) FROM ${from}${where}`)
            .pluck()
            .get(...params),
        ),
      );
    },
    async *chunks(req): AsyncGenerator<RowChunk> {
      const cols = req.select.map(quoteIdent).join(', ');
      const order = ` ORDER BY ${quoteIdent(req.key)} LIMIT ?`;
      const keyIndex = req.select.indexOf(req.key);
      const first = build(req);
      const next = build({ ...req, afterKey: 0 });
      const firstStmt = guard(() =>
        db.prepare(`SELECT ${cols} FROM ${from}${first.where}${order}`).raw(true),
      );
      const nextStmt = guard(() => db.prepare(`SELECT ${cols} FROM ${from}${next.where}${order}`).raw(true));
      // One read transaction: every chunk of the attempt sees the same snapshot.
      guard(() => db.exec('BEGIN'));
      try {
        let rows = guard(() => firstStmt.all(...first.params, req.chunkSize) as Row[]);
        for (;;) {
          if (rows.length === 0) return;
          if (req.signal?.aborted) return;
          const last = rows[rows.length - 1][keyIndex];
          const full = rows.length === req.chunkSize;
          yield { rows };
          if (!full) return;
          // next.params[0] is the afterKey placeholder.
          const params = [...next.params];
          params[0] = last;
          rows = guard(() => nextStmt.all(...params, req.chunkSize) as Row[]);
        }
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
      }
    },
    async *textSlices(req: SliceRequest): AsyncGenerator<TextSlice> {
      const shape = { format: req.format, names: req.names, select: req.select, truncate: req.truncate };
      const cols = req.select.map(quoteIdent).join(', ');
      const order = ` ORDER BY ${quoteIdent(req.key)} LIMIT ?`;
      const first = build(req);
      const next = build({ ...req, afterKey: 0 });
      const prepare = (where: string) =>
        guard(() => ({
          slice: db.prepare(sliceSql(shape, from, req.key, where)).raw(true),
          rows: db.prepare(`SELECT ${cols} FROM ${from}${where}${order}`).raw(true),
        }));
      const firstStmts = prepare(first.where);
      const nextStmts = first.where === next.where ? firstStmts : prepare(next.where);
      // One read transaction: every slice of the attempt sees the same snapshot.
      guard(() => db.exec('BEGIN'));
      try {
        let stmts = firstStmts;
        let params = first.params;
        let limit = Math.min(req.chunkSize, FIRST_SLICE_ROWS);
        for (;;) {
          if (req.signal?.aborted) return;
          const p = [...params, limit];
          const got = guard(() => sliceOrTooBig(() => stmts.slice.get(...p), limit)) as
            | [number, number, SqlValue, SqlValue, Buffer | null]
            | undefined;
          if (got === undefined) {
            // The slice's text passed SQLite's length limit (1e9 bytes): fewer rows.
            limit = Math.max(1, limit >> 1);
            continue;
          }
          const [count, hard, firstKey, lastKey, data] = got;
          if (count === 0) return;
          const rowsStmt = stmts.rows;
          // Text that is not valid UTF-8 reads as U+FFFD in JS: the rows say how it is written.
          const exact = hard === 0 && data !== null && isUtf8(data);
          yield {
            data: exact ? data : undefined,
            count,
            firstKey,
            lastKey,
            rows: () => guard(() => rowsStmt.all(...p) as Row[]),
          };
          if (count < limit) return;
          // Slices of about sliceBytes: big rows make short slices, small rows long ones.
          const perRow = Math.max(1, (data?.length ?? req.sliceBytes) / count);
          limit = Math.max(1, Math.min(req.chunkSize, Math.floor(req.sliceBytes / perRow)));
          stmts = nextStmts;
          // next.params[0] is the afterKey placeholder.
          params = [lastKey, ...next.params.slice(1)];
        }
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
      }
    },
    async openRangePlan(req) {
      return {
        worker: { driver: 'sqlite', file: opts.file, from, busyTimeoutMs: opts.busyTimeoutMs },
        async nextBoundary(after, rows) {
          const params: SqlValue[] = [];
          const sql = keyBoundarySql(req, from, after, rows, (v) => {
            params.push(v);
            return '?';
          });
          let stmt = boundaryStatements.get(sql);
          if (!stmt) {
            stmt = guard(() => db.prepare(sql).pluck());
            boundaryStatements.set(sql, stmt);
          }
          const s = stmt;
          const v = guard(() => s.get(...params)) as SqlValue | undefined;
          return v === null || v === undefined ? undefined : v;
        },
        async close() {},
      };
    },
    async close() {
      db.close();
    },
  };
}

/**
 * One slice, or undefined when its text is longer than SQLite holds (SQLITE_TOOBIG) and a
 * smaller slice can be tried; a single row too big is the error it is.
 */
function sliceOrTooBig(read: () => unknown, limit: number): unknown {
  try {
    return read();
  } catch (err) {
    if (limit > 1 && (err as { code?: unknown }).code === 'SQLITE_TOOBIG') return undefined;
    throw err;
  }
}
