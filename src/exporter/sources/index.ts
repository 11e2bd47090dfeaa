import type { ExporterSettings } from '../settings.js';
import type { Source } from './source.js';

/** Opens the configured source. pg is loaded only when PostgreSQL is used. */
export async function openSource(settings: ExporterSettings): Promise<Source> {
  const db = settings.database;
  const src = settings.export.source;
  if (db.driver === 'sqlite') {
    const { openSqliteSource } = await import('./sqlite.js');
    return openSqliteSource({
      file: db.file!,
      table: src.table,
      query: src.query,
      busyTimeoutMs: db.acquireTimeoutMs,
    });
  }
  const { openPostgresSource } = await import('./postgres.js');
  return openPostgresSource({
    url: db.url,
    table: src.table,
    query: src.query,
    statementTimeoutMs: db.statementTimeoutMs,
    connectTimeoutMs: db.acquireTimeoutMs,
  });
}

export type { Source, ReadRequest, ReadWindow, CopyRequest, RowChunk } from './source.js';
