/**
 * `drift --state STATE.json --env E` as a library call: synth the environment, read the
 * state JSON, compare, locate findings through provenance. Writes nothing.
 */
import { resolve } from 'node:path';
import { readGuardedText } from '../config/read-file.js';
import type { Finding } from '../diagnostics/finding.js';
import { locateFindings } from '../diagnostics/locate.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { checkStateDrift, parseStateJson } from '../terraform/state-drift.js';
import { type SynthProjectResult, synthProject } from './synth-project.js';

export interface StateDriftOptions {
  cwd: string;
  project?: string;
  env: string;
  stateFile: string;
}

export async function stateDriftForProject(
  options: StateDriftOptions,
): Promise<{ findings: Finding[]; files: string[]; synth: SynthProjectResult }> {
  const file = resolve(options.cwd, options.stateFile);
  const read = readGuardedText(file, { kind: 'terraform' });
  if (!read.ok) throw new UsageError(`${options.stateFile}: ${read.refusal.message} [${read.refusal.rule}]`);
  const text = read.text;
  const state = parseStateJson(text, options.stateFile);
  const synth = await synthProject({ cwd: options.cwd, project: options.project, envs: [options.env] });
  const stack = synth.stacks[0];
  if (!stack) return { findings: synth.findings, files: synth.files, synth };
  const config = synth.configs.find((c) => c.env === options.env);
  const drift = locateFindings(checkStateDrift({ stack, state, file, text }), () => config?.provenance);
  return { findings: [...synth.findings, ...drift], files: [...synth.files, file], synth };
}
