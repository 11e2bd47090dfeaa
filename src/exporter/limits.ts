/** Limits checked before and during a job: the disk breaker and the per-user rate limit. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDuration } from '../config/units.js';
import { ExportError } from './errors.js';
import type { StateStore } from './state/store.js';

/** Use of the filesystem holding `dir`, 0..1. The seam tests use to fake a full disk. */
export type DiskUsageProbe = (dir: string) => number;

/** Measured as `df` does: used / (used + available to unprivileged users). */
export const statfsUsage: DiskUsageProbe = (dir) => {
  let d = dir;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  const s = fs.statfsSync(d);
  const used = s.blocks - s.bfree;
  const total = used + s.bavail;
  return total === 0 ? 0 : used / total;
};

export function checkDiskBreaker(probe: DiskUsageProbe, dir: string, threshold: number | undefined): void {
  if (threshold === undefined) return;
  const usage = probe(dir);
  if (usage > threshold) {
    throw new ExportError(
      'DISK_BREAKER_OPEN',
      `the output filesystem is ${(usage * 100).toFixed(1)}% full, above the breaker at ${(threshold * 100).toFixed(0)}%`,
      { usage, threshold, resumable: true },
    );
  }
}

const HOUR_MS = 3_600_000;

/** A slot taken by `takeRateLimitSlot`, to give back if the request never starts. */
export interface RateLimitSlot {
  release(): Promise<void>;
}

export async function takeRateLimitSlot(
  store: StateStore,
  env: string,
  user: string,
  perHour: number | undefined,
  now: number,
): Promise<RateLimitSlot | undefined> {
  if (perHour === undefined) return undefined;
  const subject = `${env}\u0000${user}`;
  const decision = await store.takeRateSlot(subject, perHour, HOUR_MS, now);
  if (!decision.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((decision.retryAt - now) / 1000));
    const retryAt = new Date(decision.retryAt).toISOString();
    throw new ExportError(
      'RATE_LIMITED',
      `user ${user} has used ${perHour} exports per hour in ${env}; retry in ${formatDuration(retryAfterSeconds * 1000)} (at ${retryAt})`,
      { retryAt, retryAfterSeconds, limit: perHour },
    );
  }
  const { slot } = decision;
  return { release: () => store.releaseRateSlot(subject, slot) };
}
