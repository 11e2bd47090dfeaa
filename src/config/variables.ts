/**
 * `${VAR}` and `${VAR:-default}` references. `check` only lists them; `export` and
 * `serve` resolve them at run time. Values are never printed by exportctl.
 */
import type { ConfigPath, PathSegment } from './path.js';

// `[^{}]*`, not `[^}]*`: a default never spans another `{`, so `${A:-${A:-…` with no `}` is
// scanned once (linear), not once per `${` (quadratic).
/** `${VAR}` or `${VAR:-default}`: the name in group 1, the default (if any) in group 2. */
export const VARIABLE_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^{}]*))?\}/g;
const REF = VARIABLE_REF;

export interface VariableRef {
  name: string;
  default?: string;
  path: ConfigPath;
}

export class MissingVariableError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    readonly path: string,
  ) {
    super(`environment variable ${variable} is not set (needed by ${path})`);
  }
}

function walk(value: unknown, path: PathSegment[], visit: (s: string, p: PathSegment[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, [...path, i], visit);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
  }
}

/** Every `${VAR}` reference in a config, in document order. */
export function listVariables(values: unknown): VariableRef[] {
  const out: VariableRef[] = [];
  walk(values, [], (s, p) => {
    for (const m of s.matchAll(REF)) out.push({ name: m[1], default: m[2], path: p });
  });
  return out;
}

/** A deep copy of `values` with every reference replaced from `env`. Throws MissingVariableError. */
export function resolveVariables<T>(values: T, env: NodeJS.ProcessEnv = process.env): T {
  const resolve = (v: unknown, path: PathSegment[]): unknown => {
    if (typeof v === 'string') {
      return v.replace(REF, (_m, name: string, def: string | undefined) => {
        const got = env[name];
        if (got !== undefined && got !== '') return got;
        if (def !== undefined) return def;
        throw new MissingVariableError(name, path.join('.'));
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => resolve(x, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = resolve(x, [...path, k]);
      return out;
    }
    return v;
  };
  return resolve(values, []) as T;
}
