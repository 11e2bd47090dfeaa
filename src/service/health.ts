/** `/healthz` (the process answers), `/readyz` (it can take exports now) and `/metrics`. */
import type * as http from 'node:http';
import { checkDiskBreaker } from '../exporter/limits.js';
import { statfsUsage } from '../exporter/index.js';
import { sendJson } from './http.js';
import type { RequestContext } from './request-context.js';

/**
 * How long `/readyz` waits for the source without `toggles.fallback` (whose `timeout` it uses
 * otherwise): a readiness probe's budget, not a config setting.
 */
const SOURCE_PROBE_TIMEOUT_MS = 1000;

export function healthz(ctx: RequestContext, res: http.ServerResponse): void {
  sendJson(res, 200, { status: 'ok', digest: ctx.config().digest, draining: ctx.draining() });
}

export async function readyz(ctx: RequestContext, res: http.ServerResponse): Promise<void> {
  const config = ctx.config();
  const ex = config.exporter.export;
  const checks: Record<string, { ok: boolean; error?: string }> = {};
  const down = await ctx.sourceHealth.check(
    config.exporter,
    config.service.fallback?.timeoutMs ?? SOURCE_PROBE_TIMEOUT_MS,
  );
  checks.database = down ? { ok: false, error: down } : { ok: true };
  checks.queue = (await ctx.queue.healthy()) ? { ok: true } : { ok: false, error: 'queue unavailable' };
  try {
    checkDiskBreaker(ctx.diskUsage ?? statfsUsage, ex.output.dir, ex.limits.diskUsageBreaker);
    checks.breaker = { ok: true };
  } catch (err) {
    checks.breaker = { ok: false, error: (err as Error).message };
  }
  if (ctx.draining()) checks.draining = { ok: false, error: 'shutting down' };
  const ready = Object.values(checks).every((c) => c.ok);
  sendJson(res, ready ? 200 : 503, {
    ready,
    checks,
    paused: await ctx.queue.isPaused().catch(() => undefined),
  });
}

export async function metricsRoute(ctx: RequestContext, res: http.ServerResponse): Promise<void> {
  const text = await ctx.metrics.registry.metrics();
  res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType });
  res.end(text);
}
