// Shared helpers of the benchmark scripts: run commands alternately, report medians.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(REPO, 'dist', 'bundle', 'exportctl.mjs');

/**
 * Short mode (`--short`, or EXPORTCTL_BENCH_SHORT=1): each script runs on tiny data, a run or
 * two, in seconds. Its figures mean nothing; it proves the script still runs (CI, test/bench.test.ts).
 */
export const SHORT = process.argv.includes('--short') || process.env.EXPORTCTL_BENCH_SHORT === '1';

/** The full-size value, or the short one in short mode. */
export const sized = (full, short) => (SHORT ? short : full);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of one run of a command, in ms; throws when it fails unexpectedly. */
export function timeCommand(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== (opts.expectStatus ?? 0))
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Runs each contender `runs` times, alternating, after one warm-up each; returns medians. */
export function sideBySide(contenders, runs = 15) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const fn of Object.values(contenders)) fn();
  for (let i = 0; i < runs; i++) for (const [k, fn] of Object.entries(contenders)) times[k].push(fn());
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}
