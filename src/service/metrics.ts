/** The service's Prometheus metrics (docs/reference.md#metrics), in a registry of its own (no global state). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Why a reload was refused: `exportctl_config_reload_failures_total{reason}`. */
export const RELOAD_FAILURE_REASONS = [
  'load',
  'check',
  'settings',
  'lockout',
  'auth_removed',
  'apply',
] as const;
export type ReloadFailure = (typeof RELOAD_FAILURE_REASONS)[number];

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly queueLength: Gauge;
  readonly running: Gauge;
  readonly duration: Histogram;
  readonly rows: Counter;
  readonly jobs: Counter<'status'>;
  readonly failures: Counter<'code'>;
  readonly recycles: Counter;
  readonly reloads: Counter;
  readonly reloadFailures: Counter<'reason'>;
  readonly lastReload: Gauge;

  constructor(queueLength: () => Promise<number>, running: () => number) {
    const registers = [this.registry];
    this.queueLength = new Gauge({
      name: 'export_queue_length',
      help: 'Export jobs waiting for a worker.',
      registers,
      async collect() {
        this.set(await queueLength().catch(() => Number.NaN));
      },
    });
    this.running = new Gauge({
      name: 'export_jobs_running',
      help: 'Export jobs running in this process.',
      registers,
      collect() {
        this.set(running());
      },
    });
    this.duration = new Histogram({
      name: 'export_duration_seconds',
      help: 'Duration of successful export runs.',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.rows = new Counter({
      name: 'export_rows_total',
      help: 'Rows written by finished exports.',
      registers,
    });
    this.jobs = new Counter({
      name: 'export_jobs_total',
      help: 'Export jobs by outcome: accepted, succeeded, failed, stale (served from cache).',
      labelNames: ['status'],
      registers,
    });
    this.failures = new Counter({
      name: 'export_failures_total',
      help: 'Failed jobs and refused requests by error code.',
      labelNames: ['code'],
      registers,
    });
    this.recycles = new Counter({
      name: 'export_worker_recycles_total',
      help: 'Workers recycled after failing several jobs in a row.',
      registers,
    });
    this.reloads = new Counter({
      name: 'exportctl_config_reloads_total',
      help: 'Config reloads (SIGHUP) that were taken.',
      registers,
    });
    this.reloadFailures = new Counter({
      name: 'exportctl_config_reload_failures_total',
      help: 'Config reloads refused (the running config stays), by reason.',
      labelNames: ['reason'],
      registers,
    });
    // Every reason from zero, so `increase()` and alerts see the first refusal.
    for (const reason of RELOAD_FAILURE_REASONS) this.reloadFailures.inc({ reason }, 0);
    this.lastReload = new Gauge({
      name: 'exportctl_config_last_reload_success_timestamp_seconds',
      help: 'When the running config was loaded (start or the last reload taken).',
      registers,
    });
    this.lastReload.setToCurrentTime();
    collectDefaultMetrics({ register: this.registry });
  }
}
