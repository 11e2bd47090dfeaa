import { relative, resolve } from 'node:path';
import { isInside } from '../config/confinement.js';
import { synthProject } from '../synth/synth-project.js';
import { writeStacks } from '../terraform/synth.js';
import type { SynthFlags } from './commands/synth.js';
import { EXIT, findingsExitCode, refusalExitCode } from './exit-codes.js';
import { reportFindings, reportOptions } from './report-findings.js';

export async function runSynth(flags: SynthFlags): Promise<number> {
  const { maxWarnings } = reportOptions(flags);
  const cwd = process.cwd();
  const r = await synthProject({ cwd, project: flags.project, envs: flags.env });
  const envs = r.project?.environments.map((e) => e.name) ?? [];
  reportFindings(r.findings, flags, { cwd, files: r.files, envs });
  if (r.refusal) {
    if (!r.fatal) process.stderr.write('exportctl: synth refused: check has errors (fix them first)\n');
    return refusalExitCode(r.refusal);
  }
  if (r.stacks.length === 0) return findingsExitCode(r.findings, false, maxWarnings) || EXIT.FINDINGS;
  const out = resolve(cwd, flags.out);
  const written = writeStacks(out, r.stacks, r.emitterName ?? 'unknown');
  for (const [i, file] of written.entries()) {
    const s = r.stacks[i];
    const count = s.spec.resources.length;
    process.stderr.write(`synthesized ${s.name}: ${displayPath(cwd, file)} (${count} resources)\n`);
  }
  return findingsExitCode(r.findings, false, maxWarnings);
}

export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel === '' || !isInside(cwd, file) ? file : rel;
}
