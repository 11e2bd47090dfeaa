/**
 * Whether `drift.allow` permits a config path to differ in an environment: drift's own
 * entries and matcher (`drift/allows.ts`), asked with a config path instead of a drift key.
 */
import { parsePath } from '../config/path.js';
import type { ConfigValues, ProjectManifest } from '../config/types.js';
import { allowCovers, parseAllowRules } from '../drift/allows.js';
import { driftKeyOfPath } from '../drift/keys.js';

export type DriftAllowed = (env: string, path: string) => boolean;

export function driftAllowMatcher(
  manifest: Pick<ProjectManifest, 'drift'>,
  valuesByEnv: ReadonlyMap<string, ConfigValues>,
): DriftAllowed {
  // An entry that does not parse allows nothing; `check` reports it where it is written.
  const { rules } = parseAllowRules(manifest.drift?.allow);
  return (env, path) => {
    const key = driftKeyOfPath(valuesByEnv.get(env), parsePath(path));
    return rules.some((rule) => allowCovers(rule, env, key));
  };
}
