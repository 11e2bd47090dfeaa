/** Completion and failure notifications to `notifications.webhook`, retried with backoff. */
import type { Logger } from '../exporter/log.js';
import { backoffDelay, sleep } from '../exporter/retry.js';

export interface WebhookEvent {
  event: 'export.succeeded' | 'export.failed';
  id: string;
  env: string;
  user: string;
  status: string;
  [key: string]: unknown;
}

export class WebhookNotifier {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    readonly target: () => { url: string; timeoutMs: number } | undefined,
    readonly logger: Logger,
    readonly attempts = 4,
    readonly initialBackoffMs = 250,
    /** The longest wait between two attempts, however many there are. */
    readonly maxBackoffMs = 5000,
  ) {}

  /** Sends in the background; `flush` waits for what is in flight. */
  notify(event: WebhookEvent): void {
    const t = this.target();
    if (!t) return;
    const p = this.#send(t.url, t.timeoutMs, event).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async #send(url: string, timeoutMs: number, event: WebhookEvent): Promise<void> {
    const body = JSON.stringify({ ...event, sent_at: new Date().toISOString() });
    let last = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'exportctl' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        last = `HTTP ${res.status}`;
        // A receiver that rejects the request will reject it again.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (err) {
        last = (err as Error).message;
      }
      if (attempt < this.attempts) await sleep(backoffDelay(this, attempt));
    }
    this.logger.log('warn', `webhook notification failed: ${last}`, { job: event.id, error: last });
  }

  /** Waits for notifications in flight, at most `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.#pending.size === 0) return;
    await Promise.race([
      Promise.allSettled([...this.#pending]),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }
}
