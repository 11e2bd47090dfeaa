/**
 * `POST /exports`: who asks, whether the service can take it now (draining, the disk breaker,
 * the source's health, the user's hourly limit), then a queued job — or, when the source is
 * down, the `toggles.fallback` answer.
 */
import type * as http from 'node:http';
import { ExportError, statfsUsage } from '../exporter/index.js';
import { newJobId } from '../exporter/job-id.js';
import { checkDiskBreaker, takeRateLimitSlot } from '../exporter/limits.js';
import { type Principal, requirePrincipal } from './auth.js';
import { HttpError, readJsonBody, sendJson } from './http.js';
import { STALE_HEADERS, type ServiceJob, publicJob } from './jobs.js';
import type { RequestContext } from './request-context.js';

const BODY_KEYS = new Set(['full']);

export async function createExport(
  ctx: RequestContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const who = requirePrincipal(ctx.config().service, ctx.auth(), req);
  if (ctx.draining())
    throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down', { 'retry-after': '5' });
  const body = await readJsonBody(req, ctx.config().service.maxBodyBytes);
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'BAD_REQUEST', 'the body must be a JSON object');
  for (const k of Object.keys(body)) {
    if (!BODY_KEYS.has(k)) throw new HttpError(400, 'BAD_REQUEST', `unknown field "${k}" (allowed: full)`);
  }
  const full = (body as { full?: unknown }).full;
  if (full !== undefined && typeof full !== 'boolean')
    throw new HttpError(400, 'BAD_REQUEST', '"full" must be a boolean');
  const config = ctx.config();
  const ex = config.exporter.export;
  try {
    checkDiskBreaker(ctx.diskUsage ?? statfsUsage, ex.output.dir, ex.limits.diskUsageBreaker);
  } catch (err) {
    if (err instanceof ExportError) {
      ctx.metrics.failures.inc({ code: err.code });
      throw new HttpError(503, err.code, err.message, { 'retry-after': '60' });
    }
    throw err;
  }
  const fallback = config.service.fallback;
  if (fallback) {
    const down = await ctx.sourceHealth.check(config.exporter, fallback.timeoutMs);
    if (down) return answerWhileSourceDown(ctx, res, who, down);
  }
  try {
    await takeRateLimitSlot(ctx.state, config.env, who.name, ex.limits.perUserPerHour, Date.now());
  } catch (err) {
    if (err instanceof ExportError && err.code === 'RATE_LIMITED') {
      ctx.metrics.failures.inc({ code: err.code });
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
  await ctx.jobs.create(job);
  await ctx.queue.enqueue(job.id);
  ctx.metrics.jobs.inc({ status: 'accepted' });
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
async function answerWhileSourceDown(
  ctx: RequestContext,
  res: http.ServerResponse,
  who: Principal,
  reason: string,
): Promise<void> {
  const fallback = ctx.config().service.fallback!;
  const cached = fallback.strategy === 'cache_first' ? await ctx.jobs.newestSucceeded(who.name) : undefined;
  if (!cached) {
    ctx.metrics.failures.inc({ code: 'SOURCE_UNAVAILABLE' });
    throw new HttpError(503, 'SOURCE_UNAVAILABLE', `the source is unavailable: ${reason}`, {
      'retry-after': '30',
    });
  }
  // A new record of the user's, pointing at their own cached file.
  const now = Date.now();
  const job: ServiceJob = {
    id: newRequestId(),
    user: who.name,
    env: ctx.config().env,
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
  await ctx.jobs.create(job);
  ctx.metrics.jobs.inc({ status: 'stale' });
  ctx.logger.log('warn', `source unavailable; answered from export ${cached.id} (stale)`, {
    job: job.id,
    code: 'SOURCE_UNAVAILABLE',
    error: reason,
  });
  sendJson(res, 200, publicJob(job), { ...STALE_HEADERS, location: `/exports/${job.id}` });
}

function newRequestId(): string {
  return newJobId(Date.now(), 6);
}
