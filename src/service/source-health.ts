/**
 * Is the source reachable? One check shared by every request: `/readyz` and the
 * `toggles.fallback` decision of `POST /exports`.
 *
 * - Concurrent callers share the check in flight, and its answer is reused for a short while
 *   (`SOURCE_CHECK_TTL_MS`): a burst of requests costs the source one check, not one each.
 * - At most one check connection exists at any time. For PostgreSQL it is kept open between
 *   checks (a pool of one, closed after `IDLE_CLOSE_MS` unused, or when it fails or the
 *   settings change), so a check is one round trip, not a new connection. A SQLite file is
 *   opened for each check (no connection limit; a file moved away must be noticed).
 * - A caller waits at most its own timeout (`toggles.fallback.timeout`) when an earlier answer
 *   exists, and gets that earlier answer if the check is not back by then; the check keeps
 *   running, up to `database.pool.acquire_timeout`. With no earlier answer (the first check,
 *   or the first after a reload changed the settings) callers wait for the check itself. So a
 *   busy service, whose own event loop delays the answer, does not take a healthy source for
 *   down; a source that stops answering is taken for down within the acquire timeout.
 *
 * The service therefore never exhausts the server's connections itself and then mistakes its
 * own burst for an outage.
 */
import type { ExporterSettings } from '../exporter/index.js';
import { type Source, openSource } from '../exporter/sources/index.js';

/** How long a check's answer is reused. */
export const SOURCE_CHECK_TTL_MS = 1000;
/** A kept check connection unused this long is closed. */
export const IDLE_CLOSE_MS = 30_000;

const LATE = Symbol('late');

interface Kept {
  settings: ExporterSettings;
  source: Promise<Source>;
}

export class SourceHealth {
  #last?: { settings: ExporterSettings; at: number; down: string | undefined };
  #inflight?: Promise<string | undefined>;
  /** A check that outlived its deadline and has not settled yet. */
  #late?: Promise<unknown>;
  #kept?: Kept;
  #idle?: NodeJS.Timeout;
  #closed = false;

  constructor(
    private readonly ttlMs = SOURCE_CHECK_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined when the source is reachable; otherwise why not. Waits at most `timeoutMs`. */
  async check(settings: ExporterSettings, timeoutMs: number): Promise<string | undefined> {
    const last = this.#last?.settings === settings ? this.#last : undefined;
    if (last && this.now() - last.at < this.ttlMs) return last.down;
    if (!this.#inflight) {
      // The previous check is still closing a connection that did not answer: its verdict stands.
      if (this.#late) return last?.down ?? `no answer within ${timeoutMs}ms`;
      const deadline = Math.max(timeoutMs, settings.database.acquireTimeoutMs);
      this.#inflight = this.#probe(settings, deadline).then((down) => {
        this.#last = { settings, at: this.now(), down };
        this.#inflight = undefined;
        return down;
      });
    }
    // With no earlier answer to fall back on, wait for this one (at most the acquire timeout).
    if (!last) return this.#inflight;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      this.#inflight,
      new Promise<typeof LATE>((resolve) => {
        timer = setTimeout(() => resolve(LATE), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return waited === LATE ? last.down : waited;
  }

  /** Closes the kept connection (the service drains). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idle);
    await this.#drop();
  }

  async #probe(settings: ExporterSettings, timeoutMs: number): Promise<string | undefined> {
    clearTimeout(this.#idle);
    if (this.#kept && this.#kept.settings !== settings) await this.#drop();
    const keep = settings.database.driver === 'postgres' && !this.#closed;
    const kept: Kept = this.#kept ?? { settings, source: openSource(settings) };
    if (keep) this.#kept = kept;
    const work = kept.source.then((s) => s.columns());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const settled = work.then(
      () => undefined,
      (err: unknown) => (err as Error)?.message ?? String(err),
    );
    const first = await Promise.race([settled, deadline]);
    clearTimeout(timer);
    const finish = async (failed: boolean) => {
      if (!keep || failed) {
        if (this.#kept === kept) this.#kept = undefined;
        await kept.source.then((s) => s.close()).catch(() => {});
      } else {
        this.#idleClose();
      }
    };
    if (first === 'late') {
      // No answer: close this connection (once it opens, if it has not), before any next check.
      if (this.#kept === kept) this.#kept = undefined;
      const closed = kept.source
        .then((s) => s.close())
        .catch(() => {})
        .then(() => settled);
      // A connection that never settles (a black-holed network) must not stop every later
      // check: after one more deadline the next check probes again, on a new connection.
      let giveUp: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        giveUp = setTimeout(resolve, timeoutMs);
        giveUp.unref();
      });
      const late = Promise.race([closed, gaveUp]).then(() => {
        clearTimeout(giveUp);
        if (this.#late === late) this.#late = undefined;
      });
      this.#late = late;
      return `no answer within ${timeoutMs}ms`;
    }
    await finish(first !== undefined);
    return first;
  }

  #idleClose(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => void this.#drop(), IDLE_CLOSE_MS);
    this.#idle.unref();
  }

  async #drop(): Promise<void> {
    const kept = this.#kept;
    this.#kept = undefined;
    if (kept) await kept.source.then((s) => s.close()).catch(() => {});
  }
}
