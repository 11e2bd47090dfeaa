import { relative } from 'node:path';
import { type CheckResult, checkProject } from '../check/check-project.js';
import type { CheckFlags } from './commands/check.js';
import { findingsExitCode } from './exit-codes.js';
import { reportFindings, reportOptions } from './report-findings.js';
import { ruleLookup } from './rule-lookup.js';

export function runCheck(paths: string[], flags: CheckFlags): number {
  const { maxWarnings } = reportOptions(flags);
  const cwd = process.cwd();
  const result = checkProject({ cwd, paths, envs: flags.env, ignoreUnknown: flags.ignoreUnknown === true });
  reportFindings(result.findings, flags, {
    cwd,
    files: result.files,
    envs: [...new Set(result.projects.flatMap((p) => p.checkedEnvs))],
    envFiles: envFiles(result),
    rules: ruleLookup(
      result.projects.map((p) => p.project),
      cwd,
    ),
  });
  return findingsExitCode(result.findings, result.fatal, maxWarnings);
}

/**
 * The files each checked environment is composed from: the manifest, the base, its own overlay,
 * and the other files the project read (packs, lockfiles...) — not other environments' overlays.
 */
function envFiles(result: CheckResult): Record<string, string[]> {
  const byEnv: Record<string, string[]> = {};
  for (const { project, checkedEnvs } of result.projects) {
    const overlays = new Set(project.environments.map((e) => e.overlayFile).filter(Boolean));
    const inProject = (f: string) => {
      const rel = relative(project.root, f);
      return rel !== '' && !rel.startsWith('..') && !overlays.has(f);
    };
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
