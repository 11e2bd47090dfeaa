/**
 * The one parser of the units config files use: durations (`250ms`, `1h30m`, as in Go and
 * CEL), percentages (`85%`) and sizes (`64KiB`, `10MB`). Each returns undefined for text
 * that is not a valid value of its unit; callers decide whether that is an error.
 */

const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/y;
const DURATION_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * The longest duration the runtime can wait: Node.js timers hold at most 2^31-1 ms (a longer
 * one fires at once), and so does PostgreSQL's statement_timeout. The schemas' `maxDuration`.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** `1h30m` → 5400000 (milliseconds). Undefined for anything else (bare numbers included). */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  let ms = 0;
  DURATION_PART.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (!m) return undefined;
    ms += Number(m[1]) * DURATION_UNIT_MS[m[2]];
    pos = DURATION_PART.lastIndex;
  }
  return ms;
}

/** Seconds of a config duration (`5m`, `1h30m`); `fallback` for a value that is not one. */
export function durationSeconds(text: unknown, fallback = 0): number {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  return ms === undefined ? fallback : ms / 1000;
}

/** A duration the schema already accepted, in milliseconds (an internal error if it cannot be read). */
export function schemaDuration(text: string): number {
  const v = parseDuration(text);
  if (v === undefined)
    throw new Error(`internal: the schema accepted a duration the parser cannot read: ${text}`);
  return v;
}

/** Formats milliseconds the way configs write durations: 1500 → `1.5s`, 5400000 → `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${+ms.toFixed(3)}ms`;
  let rest = ms;
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  if (h > 0) {
    out += `${h}h`;
    rest -= h * 3_600_000;
  }
  const m = Math.floor(rest / 60_000);
  if (m > 0) {
    out += `${m}m`;
    rest -= m * 60_000;
  }
  if (rest > 0) out += `${+(rest / 1000).toFixed(3)}s`;
  return out;
}

const PERCENT = /^([0-9]+(?:\.[0-9]+)?)%$/;

/** `85%` → 85 (0–100). Undefined for anything else, including values above 100%. */
export function parsePercent(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = PERCENT.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v <= 100 ? v : undefined;
}

const SIZE = /^([0-9]+(?:\.[0-9]+)?)(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;
const SIZE_UNIT: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** `64KiB` → 65536, `10MB` → 10000000 (bytes, rounded down). Undefined for anything else. */
export function parseSize(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = SIZE.exec(text);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * SIZE_UNIT[m[2]]);
}
