/**
 * PostgreSQL through node-postgres. Values arrive in PostgreSQL's text format (no JS
 * parsing), so CSV from rows equals what COPY writes; `copyCsv` streams COPY … TO STDOUT
 * when no row needs JS. `statement_timeout` is set server side at connect.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { classifySourceError } from '../errors.js';
import type { ColumnKind, Row, SqlValue } from '../row.js';
import {
  type ReadRequest,
  type RowChunk,
  type Source,
  fromClause,
  quoteIdent,
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

function textOf(v: SqlValue): string {
  if (v === null || v instanceof Uint8Array) throw new TypeError('a key or cursor cannot be NULL or binary');
  return String(v);
}

export async function openPostgresSource(opts: PostgresSourceOptions): Promise<Source> {
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
    async copyCsv(req): Promise<Readable> {
      const lit = (v: SqlValue) => client.escapeLiteral(textOf(v));
      const where = whereClause(req, lit);
      const exprs = req.select.map((c, i) => {
        const t = req.truncate.find((x) => x.index === i);
        return t ? `left(${quoteIdent(c)}::text, ${t.maxLength})` : quoteIdent(c);
      });
      const sql = `COPY (SELECT ${exprs.join(', ')} FROM ${from}${where} ORDER BY ${quoteIdent(req.key)}) TO STDOUT WITH (FORMAT csv)`;
      return client.query(copyStreams.to(sql));
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
