/** Whether `drift.allow` permits a config path to differ in an environment (drift's own matching). */
import { parsePath } from '../config/path.js';
import type { ConfigValues, ProjectManifest } from '../config/types.js';
import { driftKeyOfPath } from '../drift/keys.js';
import { type DriftPattern, PatternError, parsePattern, patternCovers } from '../drift/pattern.js';

export type DriftAllowed = (env: string, path: string) => boolean;

export function driftAllowMatcher(
  manifest: Pick<ProjectManifest, 'drift'>,
  valuesByEnv: ReadonlyMap<string, ConfigValues>,
): DriftAllowed {
  const entries: { pattern: DriftPattern; envs?: string[] }[] = [];
  for (const a of manifest.drift?.allow ?? []) {
    try {
      entries.push({ pattern: parsePattern(a.path), envs: a.envs });
    } catch (err) {
      // an unparsable entry allows nothing; `check` reports it where it is written
      if (!(err instanceof PatternError)) throw err;
    }
  }
  return (env, path) => {
    const key = driftKeyOfPath(valuesByEnv.get(env), parsePath(path));
    return entries.some(
      (e) => (e.envs === undefined || e.envs.includes(env)) && patternCovers(e.pattern, key),
    );
  };
}
