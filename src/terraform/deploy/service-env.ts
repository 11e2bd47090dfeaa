/**
 * The environment variables the service needs at boot and where each comes from: the
 * database URL from the RDS-managed master secret, every other variable the config names
 * (`${VAR}` references, `server.auth.*_env`) from a Secrets Manager secret of the stack.
 * Only names are decided here; values are fetched on the instance, never written by synth.
 */
import { listVariables } from '../../config/variables.js';
import type { ConfigValues } from '../../config/types.js';
import type { ExportConfig } from '../../schema/read-config.js';

export interface ServiceEnv {
  /** The variable `database.url` reads, filled from the RDS master secret (when synth creates the database). */
  databaseUrl?: string;
  /** Variables filled from the stack's Secrets Manager secrets, sorted. */
  secrets: string[];
}

/** `values` as written (its `${VAR}` references), `config` the same typed by the schema. */
export function serviceEnv(values: ConfigValues, config: ExportConfig, hasDatabase: boolean): ServiceEnv {
  const names = new Set<string>();
  let databaseUrl: string | undefined;
  for (const v of listVariables(values)) {
    if (hasDatabase && v.path.join('.') === 'database.url' && databaseUrl === undefined) databaseUrl = v.name;
    else names.add(v.name);
  }
  const auth = config.server.auth;
  for (const name of [auth?.tokens_env, auth?.admin_tokens_env]) if (name !== undefined) names.add(name);
  if (databaseUrl) names.delete(databaseUrl);
  return { ...(databaseUrl ? { databaseUrl } : {}), secrets: [...names].sort() };
}

/** Name of the Secrets Manager secret holding variable `name` for stack `unique`. */
export function secretName(unique: string, name: string): string {
  return `${unique}/${name}`;
}
