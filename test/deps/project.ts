/** Small real projects on disk for the deps tests: a manifest (dev + protected prod), a base config, and any files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkProject } from '../../src/check/check-project.js';
import type { Finding } from '../../src/diagnostics/finding.js';
import { tempDir } from '../helpers/cli.js';

export const MANIFEST = `apiVersion: exportctl/v1
kind: Project
name: deps-test
base: config/base.yaml
environments:
  dev: { overlay: config/envs/dev.yaml }
  prod: { overlay: config/envs/prod.yaml, protected: true }
`;

/** Lines 1-13; `dependencies:` is line 14, so a block's first line is line 15. */
export const BASE_HEAD = `apiVersion: exportctl/v1
kind: ExportConfig
metadata: { name: deps-test, owner: data-platform }
server: { host: 127.0.0.1, port: 8080, timeout: 30s }
database:
  driver: sqlite
  url: sqlite:data/x.db
  pool: { max_connections: 4, min_connections: 1 }
export:
  source: { table: orders, key: id }
  workers: 2
  output: { format: csv, dir: ./exports }
  limits: { max_rows: 1000, per_user_per_hour: 3, disk_usage_breaker: 80% }
dependencies:
`;

const dirs: { cleanup: () => void }[] = [];

export function cleanupProjects(): void {
  for (const d of dirs.splice(0)) d.cleanup();
}

/** Writes a project: `deps` is the indented body of `dependencies:` in the base. */
export function writeProject(deps: string, files: Record<string, string> = {}): string {
  const t = tempDir('exportctl-deps-');
  dirs.push(t);
  const all: Record<string, string> = {
    'exportctl.yaml': MANIFEST,
    'config/base.yaml': BASE_HEAD + deps,
    'config/envs/dev.yaml': '{}\n',
    'config/envs/prod.yaml': '{}\n',
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    const file = join(t.dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return t.dir;
}

export interface DepsCheck {
  dir: string;
  findings: Finding[];
  files: string[];
  fatal: boolean;
  /** Findings of one rule, as `env file:line:col` strings. */
  at(rule: string): string[];
}

export function check(dir: string): DepsCheck {
  const r = checkProject({ cwd: dir });
  const findings = r.findings.filter(
    (f) =>
      f.rule.startsWith('deps/') || f.location?.file.endsWith('.txt') || f.path?.startsWith('dependencies'),
  );
  return {
    dir,
    findings,
    files: r.files,
    fatal: r.fatal,
    at: (rule) =>
      findings
        .filter((f) => f.rule === rule)
        .map(
          (f) =>
            `${f.env ?? '-'} ${f.location ? `${f.location.file.slice(dir.length + 1)}:${f.location.line}:${f.location.column}` : '?'}`,
        ),
  };
}
