/**
 * PostgreSQL through node-postgres. Values arrive in PostgreSQL's text format (no JS
 * parsing), so CSV from rows equals what COPY writes; `copyOut` streams COPY (SELECT …)
 * TO STDOUT, the server doing the projection, truncation and text (pg-copy-sql.ts).
 * `statement_timeout` is set server side at connect.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { classifySourceError } from '../errors.js';
import { GrowableBytes } from '../growable-bytes.js';
import { CopyOutQuery } from './pg-copy-out.js';
import { type CopyColumn, copyOptions, copySelectList } from './pg-copy-sql.js';
import type { ColumnKind, Row, SqlValue } from '../row.js';
import {
  type CopiedRange,
  type CopyRanges,
  type CopyRequest,
  type RangePlan,
  type ReadRequest,
  type RowChunk,
  type Source,
  fromClause,
  quoteIdent,
  keyBoundarySql,
  whereClause,
} from './source.js';

export interface PostgresSourceOptions {
  url: string;
  table?: string;
  query?: string;
  statementTimeoutMs?: number;
  connectTimeoutMs: number;
}

const TEXT_PARSERS = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const NUMBER_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]);

function kindOf(oid: number): ColumnKind {
  if (NUMBER_OIDS.has(oid)) return 'number';
  if (oid === 16) return 'boolean';
  if (oid === 114 || oid === 3802) return 'json';
  return 'text';
}

/** A value as a PostgreSQL text parameter (keys and cursors: never NULL or binary). */
export function textOf(v: SqlValue): string {
  if (v === null || v instanceof Uint8Array) throw new TypeError('a key or cursor cannot be NULL or binary');
  return String(v);
}

async function connect(opts: PostgresSourceOptions): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: opts.url,
    statement_timeout: opts.statementTimeoutMs,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: 'exportctl',
    types: TEXT_PARSERS,
  });
  // Errors surface through the pending query; an idle client's error must not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw classifySourceError(err, 'connect');
  }
  return client;
}

export async function openPostgresSource(opts: PostgresSourceOptions): Promise<Source> {
  const client = await connect(opts);
  const from = fromClause(opts);
  const run = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw classifySourceError(err, 'query');
    }
  };
  const build = (req: Pick<ReadRequest, 'key' | 'window' | 'afterKey'>) => {
    const values: string[] = [];
    const where = whereClause(req, (v) => {
      values.push(textOf(v));
      return `$${values.length}`;
    });
    return { where, values };
  };
  let closed = false;
  return {
    driver: 'postgres',
    async columns() {
      const res = await run(() => client.query({ text: `SELECT * FROM ${from} LIMIT 0`, rowMode: 'array' }));
      return res.fields.map((f) => f.name);
    },
    async kinds(select) {
      const cols = select.map(quoteIdent).join(', ');
      const res = await run(() =>
        client.query({ text: `SELECT ${cols} FROM ${from} LIMIT 0`, rowMode: 'array' }),
      );
      return res.fields.map((f) => kindOf(f.dataTypeID));
    },
    async clockMinus(lagMs) {
      const res = await run(() =>
        client.query({
          text: 'SELECT (now() - $1::interval)::text',
          values: [`${lagMs} milliseconds`],
          rowMode: 'array',
        }),
      );
      return res.rows[0][0] as string;
    },
    async count(req) {
      const { where, values } = build(req);
      const res = await run(() =>
        client.query({ text: `SELECT count(*) FROM ${from}${where}`, values, rowMode: 'array' }),
      );
      return Number(res.rows[0][0]);
    },
    async *chunks(req): AsyncGenerator<RowChunk> {
      const cols = req.select.map(quoteIdent).join(', ');
      const keyIndex = req.select.indexOf(req.key);
      const tail = ` ORDER BY ${quoteIdent(req.key)} LIMIT ${req.chunkSize}`;
      const fetch = (afterKey: SqlValue | undefined) => {
        const { where, values } = build({ ...req, afterKey });
        const text = `SELECT ${cols} FROM ${from}${where}${tail}`;
        const name = `exportctl_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
        const p = client.query<Row>({ name, text, values, rowMode: 'array' });
        p.catch(() => {}); // awaited below; a prefetch abandoned by the consumer must not go unhandled
        return p;
      };
      // Cancellation and the job's timeout end the connection: a pending query stops now,
      // not at statement_timeout.
      const onAbort = () => {
        closed = true;
        client.end().catch(() => {});
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        let pending = fetch(req.afterKey);
        for (;;) {
          const res = await run(() => pending);
          const rows = res.rows;
          if (rows.length === 0 || req.signal?.aborted) return;
          const full = rows.length === req.chunkSize;
          // Fetch the next chunk while this one is written.
          if (full) pending = fetch(rows[rows.length - 1][keyIndex]);
          yield { rows };
          if (!full) return;
        }
      } finally {
        req.signal?.removeEventListener('abort', onAbort);
      }
    },
    async copyOut(req): Promise<Readable> {
      const cols = await run(() => copyColumns(client, from, req));
      return client.query(copyStreams.to(copySql(req, cols, client, from)));
    },
    openRangePlan:
      opts.table === undefined
        ? undefined
        : async (req): Promise<RangePlan | undefined> => {
            const snapshot = await exportSnapshot(client);
            if (snapshot === undefined) return undefined;
            // Cancellation ends the planning connection, as it does the chunk reads.
            const onAbort = () => {
              closed = true;
              client.end().catch(() => {});
            };
            req.signal?.addEventListener('abort', onAbort, { once: true });
            return {
              worker: {
                driver: 'postgres',
                url: opts.url,
                from,
                statementTimeoutMs: opts.statementTimeoutMs,
                connectTimeoutMs: opts.connectTimeoutMs,
                snapshot,
              },
              nextBoundary: (after, rows) => nextKeyBoundary(client, from, req, after, rows),
              async close() {
                req.signal?.removeEventListener('abort', onAbort);
                if (!closed) await client.query('COMMIT').catch(() => {});
              },
            };
          },
    openCopyRanges:
      opts.table === undefined
        ? undefined
        : async (req, readers, rangeBytes) => {
            if (readers < 1) return undefined;
            return openCopyRanges(opts, client, from, req, readers, rangeBytes, () => {
              closed = true;
            });
          },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}

/** What COPY renders: the output columns with their types, and the types whose ::text is not their output. */
interface CopyColumns {
  cols: CopyColumn[];
  textCastDiffers: ReadonlySet<number>;
}

async function copyColumns(client: pg.Client, from: string, req: CopyRequest): Promise<CopyColumns> {
  const outputs = req.select.slice(0, req.outputs);
  const types = await client.query({
    text: `SELECT ${outputs.map(quoteIdent).join(', ')} FROM ${from} LIMIT 0`,
    rowMode: 'array',
  });
  const casts = await client.query<[number]>({
    text: "SELECT castsource::int FROM pg_cast WHERE casttarget = 'text'::regtype AND castmethod = 'f'",
    rowMode: 'array',
  });
  const cols = outputs.map((name, i) => ({
    from: name,
    oid: types.fields[i].dataTypeID,
    maxLength: req.truncate.find((t) => t.index === i)?.maxLength,
  }));
  return { cols, textCastDiffers: new Set(casts.rows.map((r) => Number(r[0]))) };
}

/** `COPY (SELECT … ORDER BY key) TO STDOUT` for a request (a range's when `upToKey` is set). */
function copySql(
  req: CopyRequest & { upToKey?: SqlValue },
  c: CopyColumns,
  client: pg.Client,
  from: string,
): string {
  const where = whereClause(req, (v) => client.escapeLiteral(textOf(v)));
  const list = copySelectList(c.cols, req.row, c.textCastDiffers);
  return `COPY (SELECT ${list} FROM ${from}${where} ORDER BY ${quoteIdent(req.key)}) TO STDOUT WITH (${copyOptions(req.row)})`;
}

/**
 * An incremental range's cursor statistics, as Progress.track would find them over its rows
 * in key order: the least and greatest cursor, and the last key holding the greatest.
 */
async function rangeCursorStats(
  planner: pg.Client,
  from: string,
  req: CopyRequest,
  after: SqlValue | undefined,
  upTo: SqlValue,
): Promise<CopiedRange['cursor']> {
  const cursor = req.window.cursor!;
  const values: string[] = [];
  const where = whereClause({ ...req, afterKey: after, upToKey: upTo }, (v) => {
    values.push(textOf(v));
    return `$${values.length}`;
  });
  const k = quoteIdent(req.key);
  const c = quoteIdent(cursor);
  const text = `WITH r AS (SELECT ${k} AS k, ${c} AS c FROM ${from}${where})
    SELECT (SELECT min(c) FROM r)::text, m.c::text, m.k::text
    FROM (SELECT c, k FROM r WHERE c IS NOT NULL ORDER BY c DESC, k DESC LIMIT 1) m`;
  try {
    const res = await planner.query<[string, string, string]>({ text, values, rowMode: 'array' });
    const row = res.rows[0];
    return row && { min: row[0], max: row[1], highKey: row[2] };
  } catch (err) {
    throw classifySourceError(err, 'query');
  }
}

const MAX_RANGE_ROWS = 1_000_000;

/**
 * Opens a read-only repeatable-read transaction on `planner` and exports its snapshot for
 * other connections to import; undefined when the server cannot (the transaction is rolled
 * back). Connection failures are thrown (the job retries them).
 */
async function exportSnapshot(planner: pg.Client): Promise<string | undefined> {
  try {
    await planner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const res = await planner.query<string[]>({ text: 'SELECT pg_export_snapshot()', rowMode: 'array' });
    return res.rows[0][0];
  } catch (err) {
    await planner.query('ROLLBACK').catch(() => {});
    const e = classifySourceError(err, 'query');
    if (e.transient) throw e;
    return undefined;
  }
}

/** A connection reading in `snapshot` (exported by a planning transaction still open). */
export async function connectInSnapshot(opts: PostgresSourceOptions, snapshot: string): Promise<pg.Client> {
  const c = await connect(opts);
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await c.query(`SET TRANSACTION SNAPSHOT ${c.escapeLiteral(snapshot)}`);
  } catch (err) {
    await c.end().catch(() => {});
    throw classifySourceError(err, 'query');
  }
  return c;
}

/** The greatest key among the next `rows` rows after `after`, from the key's index. */
async function nextKeyBoundary(
  planner: pg.Client,
  from: string,
  req: ReadRequest,
  after: SqlValue | undefined,
  rows: number,
): Promise<string | undefined> {
  const values: string[] = [];
  const text = keyBoundarySql(req, from, after, rows, (v) => {
    values.push(textOf(v));
    return `$${values.length}`;
  });
  try {
    const res = await planner.query<Array<string | null>>({ text, values, rowMode: 'array' });
    return res.rows[0][0] ?? undefined;
  } catch (err) {
    throw classifySourceError(err, 'query');
  }
}

/**
 * Parallel COPY of key ranges. The source's connection opens a read-only repeatable-read
 * transaction and exports its snapshot; each reader connection imports it (as pg_dump -j
 * does), so every range sees the same data. The source's connection plans the ranges (the
 * greatest key among the next chunk_size keys, from the key's index); readers COPY them
 * round-robin; ranges are handed out strictly in key order.
 */
async function openCopyRanges(
  opts: PostgresSourceOptions,
  planner: pg.Client,
  from: string,
  req: CopyRequest,
  readerCount: number,
  rangeBytes: number,
  onAbort: () => void,
): Promise<CopyRanges | undefined> {
  let columns: CopyColumns;
  try {
    columns = await copyColumns(planner, from, req);
  } catch (err) {
    throw classifySourceError(err, 'query');
  }
  const snapshot = await exportSnapshot(planner);
  if (snapshot === undefined) return undefined; // one COPY stream instead
  // Readers that cannot connect (the server's connection limit) are done without.
  const settled = await Promise.allSettled(
    Array.from({ length: readerCount }, () => connectInSnapshot(opts, snapshot)),
  );
  const readers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const endAll = async () => {
    await Promise.all(readers.map((c) => c.end().catch(() => {})));
  };
  if (readers.length === 0) {
    // No connection to spare (or none allowed): this connection streams one COPY instead;
    // a server that is really down fails that the usual way.
    await planner.query('ROLLBACK').catch(() => {});
    return undefined;
  }
  // Each COPY costs a statement and a round trip: ranges start at chunk_size rows and grow
  // to about `rangeBytes` once the rows' size is known, so the overhead stays small and a
  // range's buffer bounded.
  let rowsSeen = 0;
  let bytesSeen = 0;
  const rangeRows = () =>
    rowsSeen === 0
      ? req.chunkSize
      : Math.max(req.chunkSize, Math.min(MAX_RANGE_ROWS, Math.floor(rangeBytes / (bytesSeen / rowsSeen))));
  const boundary = (after: SqlValue | undefined) => nextKeyBoundary(planner, from, req, after, rangeRows());
  const abort = () => {
    onAbort();
    planner.end().catch(() => {});
    void endAll();
  };
  req.signal?.addEventListener('abort', abort, { once: true });
  let closed = false;
  const incremental = req.window.cursor !== undefined;
  return {
    readers: readers.length,
    async *ranges(inFlight: number): AsyncGenerator<CopiedRange> {
      interface Planned {
        query: CopyOutQuery;
        bytes: GrowableBytes;
        upTo: SqlValue;
        firstKey?: SqlValue;
        cursor?: CopiedRange['cursor'];
      }
      const queue: Planned[] = [];
      const spare: GrowableBytes[] = [];
      let after = req.afterKey;
      let planned = 0;
      let planDone = false;
      for (;;) {
        while (!planDone && queue.length < Math.max(1, inFlight)) {
          const upTo = await boundary(after);
          if (upTo === undefined) {
            planDone = true;
            break;
          }
          const sql = copySql({ ...req, afterKey: after, upToKey: upTo }, columns, planner, from);
          const bytes = spare.pop() ?? new GrowableBytes();
          const query = new CopyOutQuery(sql, bytes);
          readers[planned % readers.length].query(query as unknown as pg.QueryConfig);
          // The planner reads in the readers' snapshot: what it says of a range holds for its
          // rows. (One query at a time: the readers copy meanwhile.)
          queue.push({
            query,
            bytes,
            upTo,
            firstKey: planned === 0 ? await nextKeyBoundary(planner, from, req, after, 1) : undefined,
            cursor: incremental ? await rangeCursorStats(planner, from, req, after, upTo) : undefined,
          });
          planned++;
          after = upTo;
        }
        const head = queue.shift();
        if (!head) return;
        let r: Awaited<CopyOutQuery['done']>;
        try {
          r = await head.query.done;
        } catch (err) {
          throw classifySourceError(err, 'query');
        }
        if (req.signal?.aborted) return;
        rowsSeen += r.rows;
        bytesSeen += r.data.length;
        yield {
          data: r.data,
          rows: r.rows,
          firstKey: head.firstKey,
          lastKey: head.upTo,
          cursor: head.cursor,
        };
        spare.push(head.bytes);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      req.signal?.removeEventListener('abort', abort);
      await endAll();
      await planner.query('COMMIT').catch(() => {});
    },
  };
}
