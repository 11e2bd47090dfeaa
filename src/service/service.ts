import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isPlainObject } from '../config/compose.js';
import { redactSecrets } from '../config/secrets.js';
import type { Finding } from '../diagnostics/finding.js';
import {
  type DiskUsageProbe,
  ExportError,
  type Logger,
  SqliteStateStore,
  type StateStore,
  defaultStatePath,
  silentLogger,
  statfsUsage,
} from '../exporter/index.js';
import { newJobId } from '../exporter/job.js';
import { checkDiskBreaker, takeRateLimitSlot } from '../exporter/limits.js';
import { type Principal, TokenAuthenticator, lostSignIn, missingTokens } from './auth.js';
import { type RunningConfig, loadRunningConfig } from './config.js';
import { SourceHealth } from './source-health.js';
import { HttpError, readJsonBody, sendError, sendJson } from './http.js';
import { type ServiceJob, type ServiceJobStore, publicJob } from './jobs.js';
import { type ReloadFailure, ServiceMetrics } from './metrics.js';
import { MemoryQueue } from './queue/memory.js';
import type { JobHandler, QueueBackend } from './queue/queue.js';
import { runServiceJob } from './runner.js';
import { SqliteServiceJobStore } from './store/sqlite-jobs.js';
import { RedisServiceJobStore, RedisStateStore } from './store/redis.js';
import { WebhookNotifier } from './webhook.js';

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
  /** Longest body of `POST /exports` (default 16 KiB). */
  maxBodyBytes?: number;
}

/** Why `serve` could not start (`cli/exit-codes.ts` decides the exit code of each). */
export type ServiceStartCode =
  | 'CONFIG_INVALID'
  | 'PROJECT_UNUSABLE'
  | 'NO_TOKENS'
  | 'LISTEN_FAILED'
  | 'QUEUE_UNAVAILABLE';

/** `serve` could not start: a config that fails `check`, or the environment it needs. */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  constructor(
    message: string,
    readonly findings: Finding[] = [],
    readonly code: ServiceStartCode = 'CONFIG_INVALID',
  ) {
    super(message);
  }
}

const BODY_KEYS = new Set(['full']);

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
    this.#server = http.createServer((req, res) => void this.#handle(req, res, false));
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
    const loaded = loadRunningConfig({
      cwd: opts.cwd ?? process.cwd(),
      project: opts.project,
      env: opts.env,
      processEnv: opts.processEnv,
    });
    if (!loaded.ok) {
      throw new ServiceStartError(
        loaded.error ? `${loaded.error.code}: ${loaded.error.message}` : `${opts.env} does not pass check`,
        loaded.findings,
        loaded.fatal ? 'PROJECT_UNUSABLE' : 'CONFIG_INVALID',
      );
    }
    const config = loaded.config;
    const auth = authenticator(config, opts.processEnv ?? process.env);
    const s = config.service;
    const noTokens = missingTokens(config.service, auth);
    // A configuration problem, like a port in use: exit 2, not "the config fails check".
    if (noTokens) throw new ServiceStartError(noTokens, [], 'NO_TOKENS');
    const onError = (err: unknown, id?: string) =>
      logger.log('error', `queue: ${(err as Error)?.message ?? String(err)}`, { job: id });
    let queue: QueueBackend;
    let state: StateStore;
    let jobs: ServiceJobStore;
    if (s.queue.backend === 'redis') {
      const prefix = `exportctl:${config.exporter.name}:${config.env}`;
      // bullmq and ioredis load only for the redis backend.
      const { BullQueue } = await import('./queue/bullmq.js');
      const bull = new BullQueue({
        url: s.queue.url!,
        prefix,
        lockDurationMs: opts.lockDurationMs ?? 30_000,
        onError,
      });
      try {
        await withTimeout(bull.connection.ping(), 10_000, 'redis did not answer');
      } catch (err) {
        await bull.close().catch(() => {});
        throw new ServiceStartError(
          `queue.url: cannot reach redis: ${(err as Error).message}`,
          [],
          'QUEUE_UNAVAILABLE',
        );
      }
      queue = bull;
      state = new RedisStateStore(bull.connection, prefix);
      jobs = new RedisServiceJobStore(bull.connection, prefix);
    } else {
      const file = defaultStatePath(config.projectRoot);
      queue = new MemoryQueue(onError);
      state = new SqliteStateStore(file);
      jobs = new SqliteServiceJobStore(file, config.env);
    }
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
    const listen = (server: http.Server, host: string, port: number) =>
      new Promise<string>((resolve, reject) => {
        server.once('error', (err) =>
          reject(
            new ServiceStartError(
              `cannot listen on ${host}:${port}: ${listenProblem(err)}`,
              [],
              'LISTEN_FAILED',
            ),
          ),
        );
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
    const host = this.opts.host ?? s.host;
    this.url = await listen(this.#server, host, this.opts.port ?? s.port);
    const metricsPort = this.opts.metricsPort === undefined ? s.metrics?.port : this.opts.metricsPort;
    if (metricsPort !== undefined && metricsPort !== null) {
      this.#metricsServer = http.createServer((req, res) => void this.#handle(req, res, true));
      this.metricsUrl = `${await listen(this.#metricsServer, host, metricsPort)}${s.metrics?.path ?? '/metrics'}`;
    }
  }

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
   * Re-reads and re-checks the config (SIGHUP). Never throws: a config that cannot be loaded,
   * fails `check`, cannot be read into settings, would lock out the users or admins who can
   * sign in now, or cannot be applied is refused, and the running one stays. Each refusal is
   * one structured log line and counts in `exportctl_config_reload_failures_total{reason}`.
   */
  reload(): ReloadResult {
    let loaded: ReturnType<typeof loadRunningConfig>;
    try {
      loaded = loadRunningConfig({
        cwd: this.opts.cwd ?? process.cwd(),
        project: this.opts.project,
        env: this.opts.env,
        processEnv: this.opts.processEnv,
      });
    } catch (err) {
      // No manifest, the environment gone from it, an unreadable project...
      return this.#refuseReload('load', errorText(err), []);
    }
    if (!loaded.ok) {
      if (loaded.error)
        return this.#refuseReload(
          'settings',
          `${loaded.error.code}: ${loaded.error.message}`,
          loaded.findings,
        );
      const errors = loaded.findings.filter((f) => f.severity === 'error').length;
      return this.#refuseReload(loaded.fatal ? 'load' : 'check', `${errors} errors`, loaded.findings);
    }
    const next = loaded.config;
    const auth = authenticator(next, this.opts.processEnv ?? process.env);
    const lockout = missingTokens(next.service, auth) ?? lostSignIn(this.#auth, auth, next.service);
    if (lockout) return this.#refuseReload('lockout', lockout, loaded.findings);
    const prev = this.#config.service;
    if ((prev.tokensEnv || prev.adminTokensEnv) && !next.service.tokensEnv && !next.service.adminTokensEnv)
      // Dropping authentication opens every user's jobs to anyone: a restart, not a reload.
      return this.#refuseReload(
        'auth_removed',
        'server.auth is gone from the new config: the API would stop asking for a token; restart the service to drop authentication',
        loaded.findings,
      );
    try {
      this.queue.setConcurrency(next.service.workers);
    } catch (err) {
      return this.#refuseReload('apply', errorText(err), loaded.findings);
    }
    for (const [what, a, b] of [
      ['server.host', prev.host, next.service.host],
      ['server.port', prev.port, next.service.port],
      ['queue', JSON.stringify(prev.queue), JSON.stringify(next.service.queue)],
      ['monitoring.metrics', JSON.stringify(prev.metrics), JSON.stringify(next.service.metrics)],
    ] as const) {
      if (a !== b) this.#logger.log('warn', `${what} changed; it takes effect at the next restart`);
    }
    this.#config = next;
    this.#auth = auth;
    this.#loadedAt = new Date();
    this.#server.requestTimeout = next.service.requestTimeoutMs + 1000;
    this.metrics.reloads.inc();
    this.metrics.lastReload.setToCurrentTime();
    this.#logger.log('info', 'config reloaded', { digest: next.digest });
    return { ok: true, digest: next.digest, findings: loaded.findings };
  }

  #refuseReload(reason: ReloadFailure, message: string, findings: Finding[]): ReloadResult {
    this.metrics.reloadFailures.inc({ reason });
    this.#logger.log(
      'error',
      `config reload rejected (${message}); still running ${this.digest.slice(0, 12)}`,
      {
        code: 'CONFIG_RELOAD_REFUSED',
        reason,
        error: message,
        digest: this.digest,
        findings: findings
          .filter((f) => f.severity === 'error')
          .slice(0, 20)
          .map((f) => ({ rule: f.rule, path: f.path, message: f.message })),
      },
    );
    return { ok: false, digest: this.digest, findings, message, reason };
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

  async #handle(req: http.IncomingMessage, res: http.ServerResponse, metricsOnly: boolean): Promise<void> {
    const timeoutMs = this.#config.service.requestTimeoutMs;
    const timer = setTimeout(() => {
      if (!res.headersSent)
        sendError(
          res,
          new HttpError(503, 'TIMEOUT', `the request took longer than server.timeout (${timeoutMs}ms)`),
        );
    }, timeoutMs);
    res.on('close', () => clearTimeout(timer));
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (metricsOnly) {
        if (url.pathname !== (this.#config.service.metrics?.path ?? '/metrics'))
          throw new HttpError(404, 'NOT_FOUND', 'not found');
        await this.#metricsRoute(req, res);
        return;
      }
      await this.#route(req, res, url.pathname);
    } catch (err) {
      if (err instanceof HttpError) sendError(res, err);
      else {
        this.#logger.log('error', `request failed: ${(err as Error)?.message ?? String(err)}`, {
          error: (err as Error)?.message,
        });
        sendError(res, new HttpError(500, 'INTERNAL', 'internal error'));
      }
    }
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse, p: string): Promise<void> {
    const method = req.method ?? 'GET';
    const only = (...methods: string[]) => {
      if (!methods.includes(method))
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${methods.join(' or ')}`, {
          allow: methods.join(', '),
        });
    };
    if (p === '/healthz') {
      only('GET', 'HEAD');
      return sendJson(res, 200, { status: 'ok', digest: this.digest, draining: this.#draining });
    }
    if (p === '/readyz') {
      only('GET', 'HEAD');
      return this.#readyz(res);
    }
    if (p === '/metrics' || p === this.#config.service.metrics?.path) {
      only('GET');
      return this.#metricsRoute(req, res);
    }
    if (p === '/config') {
      only('GET');
      this.#principal(req);
      return sendJson(res, 200, {
        env: this.#config.env,
        digest: this.digest,
        loaded_at: this.#loadedAt.toISOString(),
        config: redactSecrets(this.#config.values),
      });
    }
    if (p === '/admin/pause' || p === '/admin/resume') {
      only('POST');
      const who = this.#principal(req);
      if (!who.admin) throw new HttpError(403, 'FORBIDDEN', 'admin token required');
      if (p === '/admin/pause') await this.queue.pause();
      else await this.queue.resume();
      this.#logger.log('info', `queue ${p === '/admin/pause' ? 'paused' : 'resumed'} by ${who.name}`);
      return sendJson(res, 200, { paused: await this.queue.isPaused() });
    }
    if (p === '/exports') {
      only('POST');
      return this.#createExport(req, res);
    }
    const m = /^\/exports\/([A-Za-z0-9_-]{1,100})(\/download)?$/.exec(p);
    if (m) {
      only('GET', 'HEAD');
      const who = this.#principal(req);
      const job = await this.jobs.get(m[1]);
      // Another user's job does not exist for you.
      if (!job || (job.user !== who.name && !who.admin))
        throw new HttpError(404, 'NOT_FOUND', `no export ${m[1]}`);
      if (m[2]) return this.#download(req, res, job);
      const x = job.status === 'running' ? await this.state.getJob(job.id) : undefined;
      return sendJson(res, 200, publicJob(job, x?.checkpoint), job.stale ? STALE_HEADERS : {});
    }
    throw new HttpError(404, 'NOT_FOUND', `no route ${method} ${p}`);
  }

  #principal(req: http.IncomingMessage): Principal {
    const s = this.#config.service;
    if (!s.tokensEnv && !s.adminTokensEnv) return { name: 'anonymous', admin: false };
    const who = this.#auth.authenticate(req.headers.authorization);
    if (!who)
      throw new HttpError(401, 'UNAUTHORIZED', 'a valid bearer token is required', {
        'www-authenticate': 'Bearer realm="exportctl"',
      });
    return who;
  }

  async #createExport(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const who = this.#principal(req);
    if (this.#draining)
      throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down', { 'retry-after': '5' });
    const body = await readJsonBody(req, this.opts.maxBodyBytes ?? 16 * 1024);
    if (!isPlainObject(body)) throw new HttpError(400, 'BAD_REQUEST', 'the body must be a JSON object');
    for (const k of Object.keys(body)) {
      if (!BODY_KEYS.has(k)) throw new HttpError(400, 'BAD_REQUEST', `unknown field "${k}" (allowed: full)`);
    }
    const full = (body as { full?: unknown }).full;
    if (full !== undefined && typeof full !== 'boolean')
      throw new HttpError(400, 'BAD_REQUEST', '"full" must be a boolean');
    const config = this.#config;
    const ex = config.exporter.export;
    try {
      checkDiskBreaker(this.opts.diskUsage ?? statfsUsage, ex.output.dir, ex.limits.diskUsageBreaker);
    } catch (err) {
      if (err instanceof ExportError) {
        this.metrics.failures.inc({ code: err.code });
        throw new HttpError(503, err.code, err.message, { 'retry-after': '60' });
      }
      throw err;
    }
    const fallback = config.service.fallback;
    if (fallback) {
      const down = await this.#sourceHealth.check(config.exporter, fallback.timeoutMs);
      if (down) return this.#fallback(res, who, down);
    }
    try {
      await takeRateLimitSlot(this.state, config.env, who.name, ex.limits.perUserPerHour, Date.now());
    } catch (err) {
      if (err instanceof ExportError && err.code === 'RATE_LIMITED') {
        this.metrics.failures.inc({ code: err.code });
        throw new HttpError(
          429,
          err.code,
          err.message,
          { 'retry-after': String(err.details.retryAfterSeconds ?? 60) },
          { retry_at: err.details.retryAt, limit: err.details.limit },
        );
      }
      throw err;
    }
    const job: ServiceJob = {
      id: newRequestId(),
      user: who.name,
      env: config.env,
      status: 'queued',
      full: full === true,
      createdAt: Date.now(),
      attempts: 0,
    };
    await this.jobs.create(job);
    await this.queue.enqueue(job.id);
    this.metrics.jobs.inc({ status: 'accepted' });
    sendJson(
      res,
      202,
      { id: job.id, status: job.status, href: `/exports/${job.id}` },
      { location: `/exports/${job.id}` },
    );
  }

  /**
   * The source is down: `fail_fast` answers 503; `cache_first` the requesting user's own newest
   * completed export, marked stale (503 when they have none). Never another user's export: its
   * id, file name and contents belong to that user.
   */
  async #fallback(res: http.ServerResponse, who: Principal, reason: string): Promise<void> {
    const fallback = this.#config.service.fallback!;
    const cached =
      fallback.strategy === 'cache_first' ? await this.jobs.newestSucceeded(who.name) : undefined;
    if (!cached) {
      this.metrics.failures.inc({ code: 'SOURCE_UNAVAILABLE' });
      throw new HttpError(503, 'SOURCE_UNAVAILABLE', `the source is unavailable: ${reason}`, {
        'retry-after': '30',
      });
    }
    // A new record of the user's, pointing at their own cached file.
    const now = Date.now();
    const job: ServiceJob = {
      id: newRequestId(),
      user: who.name,
      env: this.#config.env,
      status: 'succeeded',
      full: false,
      createdAt: now,
      finishedAt: now,
      attempts: 0,
      file: cached.file,
      rows: cached.rows,
      bytes: cached.bytes,
      sha256: cached.sha256,
      stale: true,
      staleFrom: cached.id,
    };
    await this.jobs.create(job);
    this.metrics.jobs.inc({ status: 'stale' });
    this.#logger.log('warn', `source unavailable; answered from export ${cached.id} (stale)`, {
      job: job.id,
      code: 'SOURCE_UNAVAILABLE',
      error: reason,
    });
    sendJson(res, 200, publicJob(job), { ...STALE_HEADERS, location: `/exports/${job.id}` });
  }

  async #download(req: http.IncomingMessage, res: http.ServerResponse, job: ServiceJob): Promise<void> {
    if (job.status !== 'succeeded' || !job.file)
      throw new HttpError(409, 'EXPORT_NOT_FINISHED', `export ${job.id} is ${job.status}`);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(job.file);
    } catch {
      throw new HttpError(410, 'GONE', `the file of export ${job.id} is no longer there`);
    }
    const jsonl = job.file.endsWith('.jsonl');
    res.writeHead(200, {
      'content-type': jsonl ? 'application/x-ndjson; charset=utf-8' : 'text/csv',
      'content-length': String(stat.size),
      'content-disposition': `attachment; filename="${path.basename(job.file).replace(/"/g, '')}"`,
      ...(job.sha256 ? { 'x-export-sha256': job.sha256 } : {}),
      ...(job.stale ? STALE_HEADERS : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(fs.createReadStream(job.file), res).catch(() => res.destroy());
  }

  async #readyz(res: http.ServerResponse): Promise<void> {
    const config = this.#config;
    const ex = config.exporter.export;
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    const down = await this.#sourceHealth.check(config.exporter, config.service.fallback?.timeoutMs ?? 1000);
    checks.database = down ? { ok: false, error: down } : { ok: true };
    checks.queue = (await this.queue.healthy()) ? { ok: true } : { ok: false, error: 'queue unavailable' };
    try {
      checkDiskBreaker(this.opts.diskUsage ?? statfsUsage, ex.output.dir, ex.limits.diskUsageBreaker);
      checks.breaker = { ok: true };
    } catch (err) {
      checks.breaker = { ok: false, error: (err as Error).message };
    }
    if (this.#draining) checks.draining = { ok: false, error: 'shutting down' };
    const ready = Object.values(checks).every((c) => c.ok);
    sendJson(res, ready ? 200 : 503, {
      ready,
      checks,
      paused: await this.queue.isPaused().catch(() => undefined),
    });
  }

  async #metricsRoute(_req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
    res.end(text);
  }
}

const STALE_HEADERS = { warning: '110 - "Response is Stale"', 'x-export-stale': 'true' };

function authenticator(config: RunningConfig, env: NodeJS.ProcessEnv): TokenAuthenticator {
  const s = config.service;
  return new TokenAuthenticator(
    s.tokensEnv ? env[s.tokensEnv] : undefined,
    s.adminTokensEnv ? env[s.adminTokensEnv] : undefined,
  );
}

export interface ReloadResult {
  ok: boolean;
  digest: string;
  findings: Finding[];
  message?: string;
  reason?: ReloadFailure;
}

/** The message alone (a UsageError's is written for users); never a stack. */
function errorText(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function listenProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return 'the port is already in use (choose another with --port or server.port)';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'the address is not on this machine (server.host)';
  return (err as Error)?.message ?? String(err);
}

function newRequestId(): string {
  return newJobId(Date.now(), 6);
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(t);
  }
}

export function startService(opts: ServiceOptions): Promise<ExportService> {
  return ExportService.start(opts);
}
