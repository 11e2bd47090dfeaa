/**
 * Whether `drift.allow` permits a config path to differ in an environment.
 * TODO(drift): a stand-in until the drift branch is in main; replace with its allow matching
 * (src/drift/), which also knows patterns. This one knows exact paths and their descendants.
 */
import { parsePath } from '../config/path.js';
import type { ProjectManifest } from '../config/types.js';

export type DriftAllowed = (env: string, path: string) => boolean;

export function driftAllowMatcher(manifest: Pick<ProjectManifest, 'drift'>): DriftAllowed {
  const entries = (manifest.drift?.allow ?? []).map((a) => ({ segs: parsePath(a.path), envs: a.envs }));
  return (env, path) => {
    const segs = parsePath(path);
    return entries.some(
      (e) =>
        (e.envs === undefined || e.envs.includes(env)) &&
        e.segs.length <= segs.length &&
        e.segs.every((s, i) => s === segs[i]),
    );
  };
}
