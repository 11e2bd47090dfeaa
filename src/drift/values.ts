/**
 * Comparing and showing config values (equality is `canonicalJson`): normalization of the environment's own name, and a short display form.
 */
import { isPlainObject } from '../config/compose.js';
import { escapeRegExp } from '../config/path.js';

/** What an environment's own name is replaced with before comparing. */
export const ENV_PLACEHOLDER = '{env}';

const cache = new Map<string, RegExp>();

/** Matches `env` as a whole token: `orders-dev`, `dev.internal`, but not `device`. */
function envToken(env: string): RegExp {
  let re = cache.get(env);
  if (!re) {
    const escaped = escapeRegExp(env);
    re = new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'gi');
    cache.set(env, re);
  }
  re.lastIndex = 0;
  return re;
}

/**
 * The value with every whole-token occurrence of the environment's name replaced by
 * `{env}`, so `orders-dev` in dev and `orders-prod` in prod compare equal.
 */
export function normalizeEnvName(value: unknown, env: string): unknown {
  if (typeof value === 'string') return value.replace(envToken(env), ENV_PLACEHOLDER);
  if (Array.isArray(value)) return value.map((v) => normalizeEnvName(v, env));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: normalizeEnvName(v, env), enumerable: true });
    }
    return out;
  }
  return value;
}

/**
 * A value as one line of text: strings bare unless they would read as another type, other
 * scalars as YAML writes them, collections as compact JSON. Long values are shortened.
 */
export function displayValue(value: unknown, max = Number.POSITIVE_INFINITY): string {
  let s: string;
  if (typeof value === 'string') {
    const ambiguous =
      value === '' ||
      /^(true|false|null|~|[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?|0x[0-9a-f]+|\.inf|\.nan)$/i.test(value) ||
      value !== value.trim() ||
      /[\n\r\t]/.test(value);
    s = ambiguous ? JSON.stringify(value) : value;
  } else if (value === undefined) {
    s = '—';
  } else {
    s = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }
  return s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s;
}
