/** Which files each checked environment is made of (JUnit: one testcase per file × environment). */
import { isInside } from '../config/confinement.js';
import type { CheckResult } from '../check/check-project.js';

/**
 * The files each checked environment is composed from: the manifest, the base, its own overlay,
 * and the other files the project read (packs, lockfiles...) — not other environments' overlays.
 */
export function envFiles(result: Pick<CheckResult, 'projects' | 'files'>): Record<string, string[]> {
  const byEnv: Record<string, string[]> = {};
  for (const { project, checkedEnvs } of result.projects) {
    const overlays = new Set(project.environments.map((e) => e.overlayFile).filter(Boolean));
    const inProject = (f: string) => f !== project.root && isInside(project.root, f) && !overlays.has(f);
    const shared = [project.manifestFile, project.baseFile];
    const others = result.files.filter((f) => inProject(f) && !shared.includes(f));
    for (const env of checkedEnvs) {
      const overlay = project.environments.find((e) => e.name === env)?.overlayFile;
      const files = byEnv[env] ?? [];
      byEnv[env] = files;
      for (const f of [...shared, ...(overlay ? [overlay] : []), ...others]) {
        if (!files.includes(f)) files.push(f);
      }
    }
  }
  return byEnv;
}
