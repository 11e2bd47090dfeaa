/**
 * The HTTP API: one request in, one answer out, within `server.timeout`. HttpErrors answer
 * with their code; anything else is logged and answers 500 without details.
 */
import type * as http from 'node:http';
import { redactSecrets } from '../config/secrets.js';
import { requirePrincipal } from './auth.js';
import { createExport } from './create-export.js';
import { download } from './download.js';
import { healthz, metricsRoute, readyz } from './health.js';
import { HttpError, sendError, sendJson } from './http.js';
import { STALE_HEADERS, publicJob } from './jobs.js';
import type { RequestContext } from './request-context.js';

/** Answers one request; `metricsOnly`: the separate metrics listener, which serves nothing else. */
export async function handleRequest(
  ctx: RequestContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  metricsOnly: boolean,
): Promise<void> {
  const timeoutMs = ctx.config().service.requestTimeoutMs;
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
      if (url.pathname !== ctx.config().service.metricsPath)
        throw new HttpError(404, 'NOT_FOUND', 'not found');
      await metricsRoute(ctx, res);
      return;
    }
    await route(ctx, req, res, url.pathname);
  } catch (err) {
    if (err instanceof HttpError) sendError(res, err);
    else {
      ctx.logger.log('error', `request failed: ${(err as Error)?.message ?? String(err)}`, {
        error: (err as Error)?.message,
      });
      sendError(res, new HttpError(500, 'INTERNAL', 'internal error'));
    }
  }
}

async function route(
  ctx: RequestContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  p: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const only = (...methods: string[]) => {
    if (!methods.includes(method))
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${methods.join(' or ')}`, {
        allow: methods.join(', '),
      });
  };
  const config = ctx.config();
  if (p === '/healthz') {
    only('GET', 'HEAD');
    return healthz(ctx, res);
  }
  if (p === '/readyz') {
    only('GET', 'HEAD');
    return readyz(ctx, res);
  }
  if (p === '/metrics' || p === config.service.metrics?.path) {
    only('GET');
    return metricsRoute(ctx, res);
  }
  if (p === '/config') {
    only('GET');
    requirePrincipal(config.service, ctx.auth(), req);
    return sendJson(res, 200, {
      env: config.env,
      digest: config.digest,
      loaded_at: ctx.loadedAt().toISOString(),
      config: redactSecrets(config.values),
    });
  }
  if (p === '/admin/pause' || p === '/admin/resume') {
    only('POST');
    const who = requirePrincipal(config.service, ctx.auth(), req);
    if (!who.admin) throw new HttpError(403, 'FORBIDDEN', 'admin token required');
    if (p === '/admin/pause') await ctx.queue.pause();
    else await ctx.queue.resume();
    ctx.logger.log('info', `queue ${p === '/admin/pause' ? 'paused' : 'resumed'} by ${who.name}`);
    return sendJson(res, 200, { paused: await ctx.queue.isPaused() });
  }
  if (p === '/exports') {
    only('POST');
    return createExport(ctx, req, res);
  }
  const m = /^\/exports\/([A-Za-z0-9_-]{1,100})(\/download)?$/.exec(p);
  if (m) {
    only('GET', 'HEAD');
    const who = requirePrincipal(config.service, ctx.auth(), req);
    const job = await ctx.jobs.get(m[1]);
    // Another user's job does not exist for you.
    if (!job || (job.user !== who.name && !who.admin))
      throw new HttpError(404, 'NOT_FOUND', `no export ${m[1]}`);
    if (m[2]) return download(req, res, job);
    const x = job.status === 'running' ? await ctx.state.getJob(job.id) : undefined;
    return sendJson(res, 200, publicJob(job, x?.checkpoint), job.stale ? STALE_HEADERS : {});
  }
  throw new HttpError(404, 'NOT_FOUND', `no route ${method} ${p}`);
}
