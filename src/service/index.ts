/** The exporter service's library API (docs/reference.md#the-service). */
export { ExportService, startService, type ServiceOptions } from './service.js';
export { ServiceStartError, type ServiceStartCode } from './start-error.js';
export {
  type RunningConfig,
  type ServiceSettings,
  loadRunningConfig,
  readServiceSettings,
} from './config.js';
export type { ServiceJob, ServiceJobStatus } from './jobs.js';
export { liveDrift, type LiveDriftOptions } from './live-drift.js';
