/**
 * `check --fix` / `--fix-dry-run`: the safe fixes the findings carry, applied per project
 * (src/fix/), then the check run again so the report shows what remains. A dry run prints
 * the unified diff on stdout and changes nothing. Suggestions are never applied.
 */
import type { CheckResult } from '../check/check-project.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { isInside } from '../config/confinement.js';
import { type FixPlan, planFixes, relativeName, writeFixes } from '../fix/write-fixes.js';
import { unifiedDiff } from '../fix/unified-diff.js';

export interface FixFlags {
  fix?: boolean;
  fixDryRun?: boolean;
}

/** Plans the fixes of every project of the result (each confined to its own root). */
function planAll(result: CheckResult): { root: string; plan: FixPlan }[] {
  return result.projects.map((p) => {
    const root = p.project.root;
    // A finding's fix belongs to the innermost project that holds its file.
    const mine = result.findings.filter(
      (f) =>
        f.fix !== undefined &&
        isInside(root, f.fix.file) &&
        !result.projects.some(
          (q) =>
            q.project.root !== root &&
            isInside(root, q.project.root) &&
            isInside(q.project.root, f.fix?.file ?? ''),
        ),
    );
    return { root, plan: planFixes(mine, root) };
  });
}

/**
 * Applies (or, dry, shows) the fixes; returns the check result to report: a fresh run after
 * files were written, else the given one.
 */
export function runFixes(
  result: CheckResult,
  flags: FixFlags,
  cwd: string,
  recheck: () => CheckResult,
): CheckResult {
  if (flags.fix && flags.fixDryRun) throw new UsageError('choose one of --fix and --fix-dry-run');
  const plans = planAll(result);
  const fixFiles = new Set(result.findings.flatMap((f) => (f.fix ? [f.fix.file] : [])));
  const planned = new Set(
    plans.flatMap(({ plan }) => [...plan.files.map((f) => f.file), ...plan.refused.map((r) => r.file)]),
  );
  const stderr = (line: string) => process.stderr.write(`exportctl: ${line}\n`);
  for (const file of fixFiles)
    if (!planned.has(file)) stderr(`${relativeName(cwd, file)}: outside the project; not fixed`);
  let written = 0;
  let applied = 0;
  for (const { plan } of plans) {
    for (const r of plan.refused) stderr(`${relativeName(cwd, r.file)}: ${r.reason}`);
    for (const f of plan.files) {
      for (const s of f.skipped) stderr(`${relativeName(cwd, f.file)}: a fix was not applied: ${s.reason}`);
      if (f.after !== f.before) applied += f.applied.length;
      if (flags.fixDryRun) process.stdout.write(unifiedDiff(relativeName(cwd, f.file), f.before, f.after));
    }
    if (!flags.fixDryRun) written += writeFixes(plan).length;
  }
  if (flags.fixDryRun) {
    stderr(`--fix-dry-run: ${applied} fix${applied === 1 ? '' : 'es'} would be applied; nothing was written`);
    return result;
  }
  if (written === 0) {
    stderr('--fix: nothing to fix');
    return result;
  }
  stderr(
    `--fix: applied ${applied} fix${applied === 1 ? '' : 'es'} in ${written} file${written === 1 ? '' : 's'}; checked again`,
  );
  return recheck();
}
