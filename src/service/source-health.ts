/**
 * Is the source reachable? One bounded check shared by every request: `/readyz` and the
 * `toggles.fallback` decision of `POST /exports`. Concurrent callers share the check in
 * flight, its answer is reused for a short while, and at most one check connection is open at
 * any time (one that opens after its deadline is closed before another check starts). A burst
 * of requests therefore costs the source one connection, never one per request: the service
 * cannot exhaust the server's connections and then mistake its own burst for an outage.
 */
import type { ExporterSettings } from '../exporter/index.js';
import { openSource } from '../exporter/sources/index.js';

/** How long a check's answer is reused. */
export const SOURCE_CHECK_TTL_MS = 1000;

interface Probe {
  /** undefined when the source answered within the deadline; otherwise why not. */
  down: Promise<string | undefined>;
  /** Settles once the probe's connection is closed (or never opened). */
  released: Promise<void>;
}

/** One check: open the source, read its columns, close it. */
export function probeSource(settings: ExporterSettings, timeoutMs: number): Probe {
  let timer: NodeJS.Timeout | undefined;
  const opening = openSource(settings);
  const work = opening.then((s) => s.columns());
  const closeOpened = () =>
    opening.then(
      (s) => s.close().catch(() => {}),
      () => {},
    );
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
  });
  const down = Promise.race([work, deadline]).then(
    () => undefined,
    (err: unknown) => (err as Error)?.message ?? String(err),
  );
  const released = down.then(async () => {
    clearTimeout(timer);
    // A connection that opens after the deadline is closed as soon as it opens.
    await closeOpened();
    await work.catch(() => {});
  });
  return { down, released };
}

export class SourceHealth {
  #last?: { settings: ExporterSettings; at: number; down: string | undefined };
  #inflight?: Promise<string | undefined>;
  /** A probe's connection is open or opening (possibly past its deadline). */
  #connected = false;

  constructor(
    private readonly ttlMs = SOURCE_CHECK_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined when the source is reachable; otherwise why not. */
  check(settings: ExporterSettings, timeoutMs: number): Promise<string | undefined> {
    const last = this.#last;
    if (last && last.settings === settings && this.now() - last.at < this.ttlMs) return Promise.resolve(last.down);
    if (this.#inflight) return this.#inflight;
    if (this.#connected) {
      // The previous check's connection has not opened nor failed yet: it is still the answer.
      return Promise.resolve(last?.down ?? `no answer within ${timeoutMs}ms`);
    }
    const probe = probeSource(settings, timeoutMs);
    this.#connected = true;
    void probe.released.finally(() => {
      this.#connected = false;
    });
    this.#inflight = probe.down.then((down) => {
      this.#last = { settings, at: this.now(), down };
      this.#inflight = undefined;
      return down;
    });
    return this.#inflight;
  }
}
