/** Messages between the job thread and range workers. */
import type { ExportErrorCode, ExportErrorDetails } from '../errors.js';
import type { ProgressStats } from '../progress.js';
import type { ColumnKind, SqlValue } from '../row.js';
import type { OutputEncoding, OutputFormat } from '../settings.js';
import type { RangeWorkerSource, ReadWindow } from '../sources/source.js';

export interface RangeWorkerConfig {
  /** The database to read, as the job's source opened it. */
  source: RangeWorkerSource;
  select: readonly string[];
  key: string;
  window: ReadWindow;
  format: OutputFormat;
  names: readonly string[];
  kinds: readonly ColumnKind[];
  encoding: OutputEncoding;
  onUnencodable: 'replace' | 'fail';
  truncate: ReadonlyArray<{ index: number; maxLength: number }>;
  keyIndex: number;
  cursorIndex: number;
}

/** Rows with `after < key <= upTo` (no lower bound when `after` is undefined). */
export interface RangeTask {
  id: number;
  after?: SqlValue;
  upTo: SqlValue;
}

export type RangeResult =
  | { id: number; ok: true; data: Uint8Array; stats: ProgressStats; replaced: number }
  | {
      id: number;
      ok: false;
      error: { code: ExportErrorCode; message: string; details: ExportErrorDetails; transient: boolean };
    };

/** A worker's first message: whether it opened its source (PostgreSQL: connected in the snapshot). */
export type RangeWorkerReady =
  | { ready: true }
  | {
      ready: false;
      error: { code: ExportErrorCode; message: string; details: ExportErrorDetails; transient: boolean };
    };
