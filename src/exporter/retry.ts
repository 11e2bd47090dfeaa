/** Retrying transient source errors: the backoff between attempts and the wait itself. */
import type { ExportError } from './errors.js';
import { toExportError } from './job-failure.js';
import type { Logger } from './log.js';
import type { ExporterSettings } from './settings.js';

type RetrySettings = ExporterSettings['export']['retry'];

/** How long to wait before retry `attempt` (1-based): doubling from the initial backoff, capped. */
export function backoffDelay(
  retry: Pick<RetrySettings, 'initialBackoffMs' | 'maxBackoffMs'>,
  attempt: number,
): number {
  return Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** (attempt - 1));
}

/** Whether a failed attempt gets another: a transient error, retries left, not aborted. */
export function shouldRetry(
  e: ExportError,
  retry: RetrySettings,
  attempt: number,
  signal: AbortSignal,
): boolean {
  return e.transient && attempt <= retry.retries && !signal.aborted;
}

/** Waits `ms`, or less when `signal` aborts (then throws its reason). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
  if (signal?.aborted) throw signal.reason;
}

/** Runs `f`, retrying transient failures with backoff (opening the source). */
export async function withRetry<T>(
  settings: ExporterSettings,
  logger: Logger,
  job: string | undefined,
  signal: AbortSignal,
  f: () => Promise<T>,
): Promise<T> {
  const r = settings.export.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (err) {
      const e = toExportError(err);
      if (!shouldRetry(e, r, attempt, signal)) throw e;
      const delay = backoffDelay(r, attempt);
      logger.log('warn', `source unavailable, retrying in ${delay}ms`, {
        job,
        code: e.code,
        error: e.message,
      });
      await sleep(delay, signal);
    }
  }
}
