/**
 * `synth` as a library call: every environment's stack model, emitted to Terraform JSON,
 * then `terraform/identical-environments` across them. Pure: writing the files is
 * `writeStacks`, called by the CLI.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigValues, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import type { ExportConfig } from '../schema/read-config.js';
import { buildStack } from './build-stack.js';
import { driftAllowMatcher } from './drift-allow.js';
import type { Emitter, TerraformJson } from './emitter.js';
import { checkIdenticalEnvironments } from './identical-environments.js';
import type { StackSpec } from './model.js';
import type { ProjectBundle } from './stack/artifacts.js';
import { prometheusRules, prometheusRuleTests, readAlerts } from './deploy/prometheus-rules.js';

/** Where synth writes the alerts as Prometheus rules, and their promtool tests, in a stack's directory. */
export const PROMETHEUS_RULES_FILE = 'prometheus/rules.yml';
export const PROMETHEUS_TESTS_FILE = 'prometheus/rules.test.yml';
import { readGuardedText } from '../config/read-file.js';

export interface SynthesizedStack {
  env: string;
  /** `<project>-<env>`. */
  name: string;
  spec: StackSpec;
  json: TerraformJson;
  /** The file's content: same config, same bytes. */
  text: string;
  /** Other files of the stack's directory, by POSIX path relative to it (Prometheus rules). */
  files: Record<string, string>;
}

export interface SynthResult {
  /** Empty when a stack could not be built (see findings). */
  stacks: SynthesizedStack[];
  /** Findings with config path + env (locate them through the environment's provenance). */
  findings: Finding[];
}

export interface SynthInput {
  project: Pick<Project, 'reference'> & { manifest: Pick<Project['manifest'], 'name' | 'drift'> };
  /**
   * Every environment (identical-environments needs all of them): its effective config as
   * written (`values`) and the same config typed by the schema, defaults applied (`config`,
   * from `readExportConfig` or `checkEnvironments`).
   */
  configs: ReadonlyArray<{ env: string; values: ConfigValues; config: ExportConfig }>;
  /** The project's checked files, shipped to the instances (the same for every environment). */
  bundle?: ProjectBundle;
}

/** The stack models of every environment (no emitter, no cdktf). */
export function buildStacks(input: SynthInput): { specs: StackSpec[]; findings: Finding[] } {
  const specs: StackSpec[] = [];
  const findings: Finding[] = [];
  for (const c of input.configs) {
    const r = buildStack(input.project.manifest.name, {
      env: c.env,
      values: c.values,
      config: c.config,
      bundle: input.bundle,
    });
    findings.push(...r.findings);
    if (r.stack) specs.push(r.stack);
  }
  return { specs, findings };
}

export function synthesize(input: SynthInput, emitter: Emitter): SynthResult {
  const built = buildStacks(input);
  if (built.findings.some((f) => f.severity === 'error')) return { stacks: [], findings: built.findings };
  const jsons = emitter.emit(built.specs);
  const stacks = built.specs.map((spec, i) => ({
    env: spec.env,
    name: spec.name,
    spec,
    json: jsons[i],
    text: `${JSON.stringify(jsons[i], null, 2)}\n`,
    files: {} as Record<string, string>,
  }));
  const values = new Map(input.configs.map((c) => [c.env, c.values]));
  for (const s of stacks) {
    const alerts = readAlerts(values.get(s.env) ?? {});
    if (alerts.length === 0) continue;
    s.files[PROMETHEUS_RULES_FILE] = prometheusRules(input.project.manifest.name, s.env, alerts);
    s.files[PROMETHEUS_TESTS_FILE] = prometheusRuleTests(
      'rules.yml',
      input.project.manifest.name,
      s.env,
      alerts,
    );
  }
  const findings = [
    ...built.findings,
    ...checkIdenticalEnvironments(
      stacks.map((s) => ({ env: s.env, spec: s.spec, json: s.json, values: values.get(s.env) ?? {} })),
      input.project.reference,
      driftAllowMatcher(input.project.manifest, values),
    ),
  ];
  return { stacks, findings };
}

/** Directory of a stack under the output directory (CDKTF's layout). */
export function stackDir(outDir: string, stack: string): string {
  return join(outDir, 'stacks', stack);
}

/**
 * Writes `<out>/stacks/<stack>/cdk.tf.json` for each stack (atomically) and `<out>/manifest.json`
 * listing every stack written so far. Leaves other files in the stack directories alone
 * (`.terraform/`, plan files, override files).
 */
export function writeStacks(
  outDir: string,
  stacks: readonly SynthesizedStack[],
  emitterName: string,
): string[] {
  const written: string[] = [];
  mkdirSync(outDir, { recursive: true });
  const manifestFile = join(outDir, 'manifest.json');
  let manifest: { version: string; stacks: Record<string, unknown> } = { version: emitterName, stacks: {} };
  try {
    const read = readGuardedText(manifestFile, { kind: 'internal' });
    const old = (read.ok ? JSON.parse(read.text) : undefined) as typeof manifest | undefined;
    if (old && typeof old.stacks === 'object') manifest = { version: emitterName, stacks: old.stacks };
  } catch {}
  for (const s of stacks) {
    const dir = stackDir(outDir, s.name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'cdk.tf.json');
    atomicWrite(file, s.text);
    written.push(file);
    for (const [rel, text] of Object.entries(s.files)) {
      const extra = join(dir, ...rel.split('/'));
      mkdirSync(dirname(extra), { recursive: true });
      atomicWrite(extra, text);
    }
    manifest.stacks[s.name] = {
      name: s.name,
      constructPath: s.name,
      synthesizedStackPath: `stacks/${s.name}/cdk.tf.json`,
      workingDirectory: `stacks/${s.name}`,
      annotations: [],
      dependencies: [],
    };
  }
  const sorted = Object.fromEntries(Object.entries(manifest.stacks).sort(([a], [b]) => (a < b ? -1 : 1)));
  atomicWrite(manifestFile, `${JSON.stringify({ version: manifest.version, stacks: sorted }, null, 2)}\n`);
  return written;
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
