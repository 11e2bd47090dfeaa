/**
 * How a range worker reads rows `after < key <= upTo` in key order, a slice at a time,
 * from the database the job's source opened: SQLite (a read transaction per range) or
 * PostgreSQL (one connection in the planning transaction's exported snapshot).
 */
import { classifySourceError } from '../errors.js';
import type { Row, SqlValue } from '../row.js';
import { type RangeWorkerSource, type ReadWindow, quoteIdent, whereClause } from '../sources/source.js';

export interface RangeReaderSpec {
  source: RangeWorkerSource;
  select: readonly string[];
  key: string;
  window: ReadWindow;
}

export interface RangeReader {
  /** Starts reading one range (SQLite: its read transaction). */
  begin(): Promise<void>;
  /** At most `limit` rows with `after < key <= upTo` (no lower bound when `after` is undefined). */
  read(after: SqlValue | undefined, upTo: SqlValue, limit: number): Promise<Row[]>;
  end(): Promise<void>;
}

/**
 * `SELECT … WHERE [key > ?] AND <window> AND key <= ? ORDER BY key LIMIT ?` with placeholders,
 * and a function giving its parameters for one read.
 */
function rangeSql(
  spec: RangeReaderSpec,
  withAfter: boolean,
  placeholder: (n: number) => string,
): { text: string; params: (after: SqlValue | undefined, upTo: SqlValue, limit: number) => SqlValue[] } {
  const bound: SqlValue[] = [];
  const where = whereClause(
    { key: spec.key, window: spec.window, afterKey: withAfter ? 0 : undefined, upToKey: 0 },
    (v) => {
      bound.push(v);
      return placeholder(bound.length);
    },
  );
  const cols = spec.select.map(quoteIdent).join(', ');
  const text = `SELECT ${cols} FROM ${spec.source.from}${where} ORDER BY ${quoteIdent(spec.key)} LIMIT ${placeholder(bound.length + 1)}`;
  // whereClause binds the range's start first and its end last.
  const params = (after: SqlValue | undefined, upTo: SqlValue, limit: number) => {
    const values = [...bound, limit];
    if (after !== undefined) values[0] = after;
    values[bound.length - 1] = upTo;
    return values;
  };
  return { text, params };
}

async function sqliteReader(
  spec: RangeReaderSpec,
  source: Extract<RangeWorkerSource, { driver: 'sqlite' }>,
): Promise<RangeReader> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(source.file, {
    readonly: true,
    fileMustExist: true,
    timeout: source.busyTimeoutMs,
  });
  // A range is one forward scan: the OS page cache serves it; a big private cache only costs RSS.
  db.pragma('cache_size = -2048');
  const prepare = (withAfter: boolean) => {
    const { text, params } = rangeSql(spec, withAfter, () => '?');
    return { stmt: db.prepare(text).raw(true), params };
  };
  const first = prepare(false);
  const next = prepare(true);
  return {
    async begin() {
      db.exec('BEGIN');
    },
    async read(after, upTo, limit) {
      const s = after === undefined ? first : next;
      return s.stmt.all(...s.params(after, upTo, limit)) as Row[];
    },
    async end() {
      if (db.inTransaction) db.exec('COMMIT');
    },
  };
}

async function postgresReader(
  spec: RangeReaderSpec,
  source: Extract<RangeWorkerSource, { driver: 'postgres' }>,
): Promise<RangeReader> {
  const { connectInSnapshot, textOf } = await import('../sources/postgres.js');
  // Opened = connected in the snapshot (a failure is the worker's first message).
  const client = await connectInSnapshot(
    {
      url: source.url,
      statementTimeoutMs: source.statementTimeoutMs,
      connectTimeoutMs: source.connectTimeoutMs,
    },
    source.snapshot,
  );
  const statements = [false, true].map((withAfter) => rangeSql(spec, withAfter, (n) => `$${n}`));
  return {
    async begin() {},
    async read(after, upTo, limit) {
      const s = statements[after === undefined ? 0 : 1];
      try {
        const res = await client.query<Row>({
          name: `exportctl_range_${after === undefined ? 0 : 1}`,
          text: s.text,
          values: s.params(after, upTo, limit).map(textOf),
          rowMode: 'array',
        });
        return res.rows;
      } catch (err) {
        throw classifySourceError(err, 'query');
      }
    },
    async end() {},
  };
}

/** Each driver's module loads only in the workers that read it. */
export function openRangeReader(spec: RangeReaderSpec): Promise<RangeReader> {
  return spec.source.driver === 'sqlite'
    ? sqliteReader(spec, spec.source)
    : postgresReader(spec, spec.source);
}
