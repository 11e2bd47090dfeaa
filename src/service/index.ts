/** The exporter service's library API (SPEC §6, Service and Queue). */
export {
  ExportService,
  ServiceStartError,
  type ServiceStartCode,
  startService,
  type ServiceOptions,
} from './service.js';
export {
  type RunningConfig,
  type ServiceSettings,
  configDigest,
  loadRunningConfig,
  readServiceSettings,
} from './config.js';
export type { ServiceJob, ServiceJobStatus } from './jobs.js';
export { liveDrift, type LiveDriftOptions } from './live-drift.js';
