import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkProject } from '../../src/check/check-project.js';
import type { Finding } from '../../src/diagnostics/finding.js';
import type { ProjectDrift } from '../../src/drift/project-drift.js';
import { createDriftStage } from '../../src/drift/stage.js';

/** Writes a project's files (manifest, base, overlays) under `dir`. */
export function writeProject(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** A manifest with dev, staging and prod (reference prod) and the given extra YAML. */
export function manifest(extra = '', envs = ['dev', 'staging', 'prod']): string {
  const lines = [
    'apiVersion: exportctl/v1',
    'kind: Project',
    'name: t',
    'base: base.yaml',
    'environments:',
    ...envs.map((e) => `  ${e}: { overlay: envs/${e}.yaml${e === 'prod' ? ', protected: true' : ''} }`),
    'reference: prod',
  ];
  return `${lines.join('\n')}\n${extra}`;
}

/** Runs `check`'s drift stage on a project: the whole comparison and the located drift findings. */
export function runDrift(dir: string, envs?: string[]): { drift: ProjectDrift; findings: Finding[] } {
  let drift: ProjectDrift | undefined;
  const r = checkProject({ cwd: dir, paths: [dir], envs, stages: [createDriftStage((d) => (drift = d))] });
  if (!drift) throw new Error(`no drift computed: ${JSON.stringify(r.findings)}`);
  return {
    drift,
    findings: r.findings.filter((f) => f.rule.startsWith('drift/') || f.path?.startsWith('drift.allow')),
  };
}

export function byRule(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}
