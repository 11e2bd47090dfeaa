/**
 * `drift --state STATE.json --env E` as a library call: synth the environment, read the
 * state JSON, compare, locate findings through provenance. Writes nothing.
 */
import { resolve } from 'node:path';
import type { Finding } from '../diagnostics/finding.js';
import { locateFindings } from '../diagnostics/locate.js';
import { readShowJsonText } from '../terraform/show-json.js';
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
  const text = readShowJsonText(options.cwd, options.stateFile);
  const state = parseStateJson(text, options.stateFile);
  const synth = await synthProject({ cwd: options.cwd, project: options.project, envs: [options.env] });
  const stack = synth.stacks[0];
  if (!stack) return { findings: synth.findings, files: synth.files, synth };
  const config = synth.configs.find((c) => c.env === options.env);
  const drift = locateFindings(checkStateDrift({ stack, state, file, text }), () => config?.provenance);
  return { findings: [...synth.findings, ...drift], files: [...synth.files, file], synth };
}
