/** The exporter's library API (docs/reference.md#the-exporter). */
export { runExport, type RunExportOptions, type ExportResult, type ExportProgress } from './job.js';
export {
  readExporterSettings,
  type ExporterSettings,
  type ExportSettings,
  type DatabaseSettings,
  type ColumnSetting,
  type SourceSettings,
  type OutputSettings,
  type LimitSettings,
  type RetrySettings,
  type IncrementalSettings,
} from './settings.js';
export {
  configInvalid,
  ExportError,
  EXPORT_ERROR_CODES,
  type ExportErrorCode,
  type ExportErrorDetails,
  internalError,
} from './errors.js';
export type { StateStore, JobRecord, Checkpoint, HighWaterMark } from './state/store.js';
export { SqliteStateStore, defaultStatePath } from './state/sqlite-store.js';
export { type DiskUsageProbe, statfsUsage } from './limits.js';
export { type Logger, type LogLevel, jsonLineLogger, silentLogger } from './log.js';
export { type ExportManifest, manifestPath } from './manifest.js';
export { type ProtectedPath, projectProtectedPaths } from './output-target.js';
