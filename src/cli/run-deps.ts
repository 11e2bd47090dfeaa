import { checkProject } from '../check/check-project.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { analyzeProjectDependencies } from '../deps/stage.js';
import { DEPS_FORMATS, type DepsFormat, renderDeps } from '../deps/render.js';
import { applyRuleControls } from '../policy/controls.js';
import { formatTextReport } from '../report/formats.js';
import type { DepsFlags } from './commands/deps.js';
import { findingsExitCode, unreadableProjectExitCode } from './exit-codes.js';
import { useColor, writeReport } from './io.js';

export function runDeps(flags: DepsFlags): number {
  if (!(DEPS_FORMATS as readonly string[]).includes(flags.format)) {
    throw new UsageError(`unknown format "${flags.format}" (choose ${DEPS_FORMATS.join(', ')})`);
  }
  const cwd = process.cwd();
  const result = checkProject({
    cwd,
    paths: flags.project ? [flags.project] : undefined,
    envs: flags.env,
    stages: [],
  });
  const checked = result.projects[0];
  if (!checked || checked.configs.length === 0) {
    process.stderr.write(
      formatTextReport({
        findings: result.findings,
        cwd,
        files: result.files,
        envs: flags.env ?? [],
        color: false,
        codeFrames: false,
      }),
    );
    return unreadableProjectExitCode(result.fatal);
  }
  const checkedEnvs = new Set(checked.checkedEnvs);
  const envs = analyzeProjectDependencies({
    project: checked.project,
    configs: checked.configs,
    checkedEnvs,
  });
  // Severity overrides, `off` and waivers from the manifest, as `check` applies them. The
  // graph still marks every clash; the conflicts listed and the exit code follow the controls.
  const registry = checked.rules.registry;
  for (const e of envs) {
    e.findings = applyRuleControls(e.findings, {
      project: checked.project,
      registry,
      checkedEnvs,
      now: new Date(),
      complete: false,
    }).filter((f) => !f.rule.startsWith('waiver/') && f.rule !== 'policy/override-invalid');
  }
  const analysed = new Set(envs.map((e) => e.env));
  const without = checked.checkedEnvs.filter((e) => !analysed.has(e));
  // Schema problems of the dependencies section itself are conflicts too.
  const extraFindings = result.findings.filter(
    (f) =>
      f.path === 'dependencies' || f.path?.startsWith('dependencies.') || f.path?.startsWith('dependencies['),
  );
  const text = renderDeps(flags.format as DepsFormat, {
    envs,
    without,
    extraFindings,
    cwd,
    color: flags.format === 'text' && !flags.output && useColor(flags.color),
  });
  const findings = [...envs.flatMap((e) => e.findings), ...extraFindings];
  writeReport(text, flags.output, findings);
  return findingsExitCode(
    findings,
    envs.some((e) => e.fatal),
  );
}
