/**
 * `serve`: the exporter as an HTTP service for one environment. This module is its lifecycle
 * — start (config, backends, listeners, resumed jobs), the workers' job handler, reload and
 * drain; the API itself is `routes` and the handlers it names.
 */
import * as http from 'node:http';
import type { Finding } from '../diagnostics/finding.js';
import type { DiskUsageProbe, Logger, StateStore } from '../exporter/index.js';
import { silentLogger } from '../exporter/index.js';
import { type TokenAuthenticator, authenticator, missingTokens } from './auth.js';
import { openBackends } from './backends.js';
import type { RunningConfig } from './config.js';
import type { ServiceJobStore } from './jobs.js';
import { listen } from './listen.js';
import { type ReloadFailure, ServiceMetrics } from './metrics.js';
import type { JobHandler, QueueBackend } from './queue/queue.js';
import {
  type ReloadResult,
  errorText,
  loadServiceConfig,
  refuseReload,
  reloadCandidate,
  restartOnlyChanges,
} from './reload.js';
import type { RequestContext } from './request-context.js';
import { handleRequest } from './routes.js';
import { runServiceJob } from './runner.js';
import { SourceHealth } from './source-health.js';
import { ServiceStartError } from './start-error.js';
import { WebhookNotifier } from './webhook.js';

export { ServiceStartError };

export type { ReloadResult } from './reload.js';

export interface ServiceOptions {
  cwd?: string;
  /** Project directory or manifest (default: the project above `cwd`). */
  project?: string;
  env: string;
  /** Override `server.host` / `server.port` (0: any free port). */
  host?: string;
  port?: number;
  /** Override `monitoring.metrics.port` (0: any free port; null: no separate listener). */
  metricsPort?: number | null;
  processEnv?: NodeJS.ProcessEnv;
  logger?: Logger;
  diskUsage?: DiskUsageProbe;
  /** Redis queue: lock duration, i.e. how soon a crashed worker's job is taken over (default 30s). */
  lockDurationMs?: number;
  /** Recycle a worker after this many failed jobs in a row (default 3), pausing it `recyclePauseMs`. */
  recycleAfter?: number;
  recyclePauseMs?: number;
}

export class ExportService {
  #config: RunningConfig;
  #auth: TokenAuthenticator;
  #draining = false;
  #drained?: Promise<void>;
  #loadedAt = new Date();
  readonly #streaks = new Map<number, number>();
  readonly #server: http.Server;
  #metricsServer?: http.Server;
  readonly metrics: ServiceMetrics;
  readonly notifier: WebhookNotifier;
  readonly #logger: Logger;
  readonly #sourceHealth = new SourceHealth();
  readonly #requests: RequestContext;

  private constructor(
    readonly opts: ServiceOptions,
    config: RunningConfig,
    readonly queue: QueueBackend,
    readonly state: StateStore,
    readonly jobs: ServiceJobStore,
  ) {
    this.#config = config;
    this.#logger = opts.logger ?? silentLogger;
    this.#auth = authenticator(config, opts.processEnv ?? process.env);
    this.metrics = new ServiceMetrics(
      () => queue.waiting(),
      () => queue.running(),
    );
    this.notifier = new WebhookNotifier(() => this.#config.service.webhook, this.#logger);
    this.#requests = {
      config: () => this.#config,
      auth: () => this.#auth,
      loadedAt: () => this.#loadedAt,
      draining: () => this.#draining,
      queue,
      state,
      jobs,
      metrics: this.metrics,
      logger: this.#logger,
      sourceHealth: this.#sourceHealth,
      diskUsage: opts.diskUsage,
    };
    this.#server = http.createServer((req, res) => void handleRequest(this.#requests, req, res, false));
    this.#server.requestTimeout = config.service.requestTimeoutMs + 1000;
    this.#server.headersTimeout = Math.min(config.service.requestTimeoutMs, 60_000) + 1000;
  }

  get config(): RunningConfig {
    return this.#config;
  }

  get digest(): string {
    return this.#config.digest;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** `http://host:port` of the API. */
  url = '';
  metricsUrl?: string;

  static async start(opts: ServiceOptions): Promise<ExportService> {
    const logger = opts.logger ?? silentLogger;
    const loaded = loadServiceConfig(opts);
    if (!loaded.ok) {
      throw new ServiceStartError(
        loaded.error ? `${loaded.error.code}: ${loaded.error.message}` : `${opts.env} does not pass check`,
        loaded.findings,
        loaded.fatal ? 'PROJECT_UNUSABLE' : 'CONFIG_INVALID',
        loaded.files,
      );
    }
    const config = loaded.config;
    const auth = authenticator(config, opts.processEnv ?? process.env);
    const s = config.service;
    const noTokens = missingTokens(config.service, auth);
    if (noTokens) throw new ServiceStartError(noTokens, [], 'NO_TOKENS');
    const { queue, state, jobs } = await openBackends(config, logger, opts.lockDurationMs);
    const service = new ExportService(opts, config, queue, state, jobs);
    await service.#listen();
    // A restarted memory queue takes up its queued and running jobs (they resume).
    const unfinished = await jobs.unfinished();
    await queue.start(service.#handler, s.workers);
    for (const j of unfinished) await queue.enqueue(j.id);
    logger.log('info', 'listening', {
      url: service.url,
      metrics: service.metricsUrl,
      env: config.env,
      digest: config.digest,
      queue: s.queue.backend,
      workers: s.workers,
      resumed: unfinished.length,
    });
    return service;
  }

  async #listen(): Promise<void> {
    const s = this.#config.service;
    const host = this.opts.host ?? s.host;
    this.url = await listen(this.#server, host, this.opts.port ?? s.port);
    const metricsPort = this.opts.metricsPort === undefined ? s.metrics?.port : this.opts.metricsPort;
    if (metricsPort !== undefined && metricsPort !== null) {
      this.#metricsServer = http.createServer(
        (req, res) => void handleRequest(this.#requests, req, res, true),
      );
      this.metricsUrl = `${await listen(this.#metricsServer, host, metricsPort)}${s.metricsPath}`;
    }
  }

  /** Runs a queued job; a worker that fails `recycleAfter` jobs in a row is recycled. */
  readonly #handler: JobHandler = async (id, ctx) => {
    const r = await runServiceJob(
      {
        config: () => this.#config,
        state: this.state,
        jobs: this.jobs,
        metrics: this.metrics,
        notifier: this.notifier,
        logger: this.#logger,
        diskUsage: this.opts.diskUsage,
        draining: () => this.#draining,
      },
      id,
      ctx.signal,
    );
    if (r.failed) {
      const n = (this.#streaks.get(ctx.slot) ?? 0) + 1;
      if (n >= (this.opts.recycleAfter ?? 3)) {
        this.#logger.log('warn', `worker ${ctx.slot} failed ${n} jobs in a row; recycling it`, {
          worker: ctx.slot,
        });
        this.metrics.recycles.inc();
        this.queue.recycle(ctx.slot, this.opts.recyclePauseMs ?? 1000);
        this.#streaks.set(ctx.slot, 0);
      } else {
        this.#streaks.set(ctx.slot, n);
      }
    } else if (r.outcome === 'done') {
      this.#streaks.set(ctx.slot, 0);
    }
    return r.outcome;
  };

  /**
   * Re-reads and re-checks the config (SIGHUP). Never throws: a config `reloadCandidate`
   * refuses, or one that cannot be applied, is refused and the running one stays.
   */
  reload(): ReloadResult {
    const candidate = reloadCandidate(this.opts, this.#config, this.#auth);
    if (!candidate.ok) return this.#refuseReload(candidate.reason, candidate.message, candidate.findings);
    const { next, auth, findings } = candidate;
    try {
      this.queue.setConcurrency(next.service.workers);
    } catch (err) {
      return this.#refuseReload('apply', errorText(err), findings);
    }
    for (const what of restartOnlyChanges(this.#config.service, next.service))
      this.#logger.log('warn', `${what} changed; it takes effect at the next restart`);
    this.#config = next;
    this.#auth = auth;
    this.#loadedAt = new Date();
    this.#server.requestTimeout = next.service.requestTimeoutMs + 1000;
    this.metrics.reloads.inc();
    this.metrics.lastReload.setToCurrentTime();
    this.#logger.log('info', 'config reloaded', { digest: next.digest });
    return { ok: true, digest: next.digest, findings };
  }

  #refuseReload(reason: ReloadFailure, message: string, findings: Finding[]): ReloadResult {
    return refuseReload(this.metrics, this.#logger, this.digest, reason, message, findings);
  }

  /** SIGTERM: no new jobs, running jobs checkpoint (they resume elsewhere or after restart), close. */
  drain(): Promise<void> {
    this.#drained ??= this.#drain();
    return this.#drained;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    this.#logger.log('info', 'draining: no new jobs; checkpointing running jobs', {
      running: this.queue.running(),
    });
    const closed = Promise.all(
      [this.#server, this.#metricsServer].map(
        (s) => new Promise<void>((resolve) => (s?.listening ? s.close(() => resolve()) : resolve())),
      ),
    );
    this.#server.closeIdleConnections();
    this.#metricsServer?.closeIdleConnections();
    await this.queue.drain();
    await this.notifier.flush(5000);
    // Downloads in progress get a few seconds, then the connections are cut.
    const cut = setTimeout(() => {
      this.#server.closeAllConnections();
      this.#metricsServer?.closeAllConnections();
    }, 5000);
    await closed;
    clearTimeout(cut);
    await this.queue.close();
    await this.#sourceHealth.close();
    await this.jobs.close();
    await this.state.close();
    this.#logger.log('info', 'drained');
  }
}

export function startService(opts: ServiceOptions): Promise<ExportService> {
  return ExportService.start(opts);
}
