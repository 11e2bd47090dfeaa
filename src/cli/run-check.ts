import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type CheckResult, checkProject } from '../check/check-project.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { FORMATTERS } from '../report/formats.js';
import type { CheckFlags } from './commands/check.js';
import { findingsExitCode } from './exit-codes.js';
import { parseNonNegativeInt, useColor, writeReport } from './io.js';
import { findRepoRoot } from './repo-root.js';
import { ruleLookup } from './rule-lookup.js';

export function runCheck(paths: string[], flags: CheckFlags): number {
  const formatter = FORMATTERS[flags.format];
  if (!formatter) {
    throw new UsageError(`unknown format "${flags.format}" (choose ${Object.keys(FORMATTERS).join(', ')})`);
  }
  const maxWarnings =
    flags.maxWarnings === undefined ? undefined : parseNonNegativeInt(flags.maxWarnings, '--max-warnings');
  const cwd = process.cwd();
  const result = checkProject({ cwd, paths, envs: flags.env, ignoreUnknown: flags.ignoreUnknown === true });
  const shown = flags.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const toTerminal = !flags.output && process.stdout.isTTY === true;
  const text = formatter({
    findings: shown,
    cwd,
    files: result.files,
    envs: [...new Set(result.projects.flatMap((p) => p.checkedEnvs))],
    color: !flags.output && useColor(flags.color),
    codeFrames: toTerminal && flags.format === 'text',
    root: findRepoRoot(cwd) ?? cwd,
    envFiles: envFiles(result),
    rules: ruleLookup(
      result.projects.map((p) => p.project),
      cwd,
    ),
    readSource: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  writeReport(text, flags.output);
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
