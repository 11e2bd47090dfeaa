/**
 * The two digests of an effective config, each named for what it covers. Both hash the
 * canonical JSON of values with `${VAR}` unresolved (no secret goes in) and as written
 * (the schema's defaults not applied).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { isPlainObject } from './compose.js';

type Values = Record<string, unknown>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The whole effective config: what the service's `/config` reports and `drift --live`
 * compares with the declared config.
 */
export function effectiveConfigDigest(values: Values): string {
  return sha256(canonicalJson(values));
}

/**
 * Settings that bound how a job runs, not which bytes it writes: a job resumes after
 * `export.timeout`, a limit or a pool size was raised (the way out of a TIMEOUT).
 */
const RUN_ONLY = {
  database: ['pool', 'statement_timeout', 'server_max_connections'],
  export: ['timeout', 'retry', 'limits', 'queue', 'workers'],
} as const;

/**
 * What shapes an export's bytes: `metadata`, `database` and `export`, less what only bounds
 * a run (RUN_ONLY). A job record and a manifest carry it (`configDigest`); an unfinished job
 * resumes only under the same one.
 */
export function outputShapingDigest(values: Values): string {
  const without = (v: unknown, keys: readonly string[]) => {
    if (!isPlainObject(v)) return v ?? null;
    const out: Values = { ...v };
    for (const k of keys) delete out[k];
    return out;
  };
  return sha256(
    canonicalJson({
      metadata: values.metadata ?? null,
      database: without(values.database, RUN_ONLY.database),
      export: without(values.export, RUN_ONLY.export),
    }),
  );
}
