/** What the HTTP handlers of a running service read: its current config, stores and queue. */
import type { DiskUsageProbe, Logger, StateStore } from '../exporter/index.js';
import type { TokenAuthenticator } from './auth.js';
import type { RunningConfig } from './config.js';
import type { ServiceJobStore } from './jobs.js';
import type { ServiceMetrics } from './metrics.js';
import type { QueueBackend } from './queue/queue.js';
import type { SourceHealth } from './source-health.js';

export interface RequestContext {
  /** The running config: a reload replaces it between requests. */
  config(): RunningConfig;
  auth(): TokenAuthenticator;
  loadedAt(): Date;
  draining(): boolean;
  queue: QueueBackend;
  state: StateStore;
  jobs: ServiceJobStore;
  metrics: ServiceMetrics;
  logger: Logger;
  sourceHealth: SourceHealth;
  diskUsage?: DiskUsageProbe;
}
