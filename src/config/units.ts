/**
 * The one parser for the units of config values: durations (`250ms`, `30s`, `1h30m`, as in
 * Go and CEL), percentages (`85%`) and sizes (`64KiB`, `10MB`). Each returns `undefined`
 * for text that is not of its kind, so callers (schema, policy, exporter) decide how to
 * report it.
 */

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** `1h30m` → 5400000. A bare number (no unit) is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || !DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(DURATION_PART)) ms += Number(m[1]) * DURATION_UNITS_MS[m[2]];
  return ms;
}

export function isDuration(text: unknown): text is string {
  return typeof text === 'string' && DURATION.test(text);
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** `85%` → 0.85. */
export function parsePercent(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = PERCENT.exec(text);
  return m ? Number(m[1]) / 100 : undefined;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
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
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;

/** `64KiB` → 65536, `10MB` → 10000000. */
export function parseSize(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = SIZE.exec(text);
  return m ? Math.round(Number(m[1]) * SIZE_UNITS[m[2]]) : undefined;
}

/** 5400000 → `1h30m`; for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
