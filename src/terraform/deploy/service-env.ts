/**
 * The environment variables the service needs at boot and where each comes from: the
 * database URL from the RDS-managed master secret, every other variable the config names
 * (`${VAR}` references, `server.auth.*_env`) from a Secrets Manager secret of the stack.
 * Only names are decided here; values are fetched on the instance, never written by synth.
 */
import { listVariables } from '../../config/variables.js';
import type { ConfigValues } from '../../config/types.js';
import { isPlainObject } from '../../config/compose.js';

export interface ServiceEnv {
  /** The variable `database.url` reads, filled from the RDS master secret (when synth creates the database). */
  databaseUrl?: string;
  /** Variables filled from the stack's Secrets Manager secrets, sorted. */
  secrets: string[];
}

export function serviceEnv(values: ConfigValues, hasDatabase: boolean): ServiceEnv {
  const names = new Set<string>();
  let databaseUrl: string | undefined;
  for (const v of listVariables(values)) {
    if (hasDatabase && v.path.join('.') === 'database.url' && databaseUrl === undefined) databaseUrl = v.name;
    else names.add(v.name);
  }
  const auth = isPlainObject(values.server) ? (values.server as Record<string, unknown>).auth : undefined;
  if (isPlainObject(auth)) {
    for (const [k, v] of Object.entries(auth as Record<string, unknown>)) {
      if (k.endsWith('_env') && typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) names.add(v);
    }
  }
  if (databaseUrl) names.delete(databaseUrl);
  return { ...(databaseUrl ? { databaseUrl } : {}), secrets: [...names].sort() };
}

/** Name of the Secrets Manager secret holding variable `name` for stack `unique`. */
export function secretName(unique: string, name: string): string {
  return `${unique}/${name}`;
}
