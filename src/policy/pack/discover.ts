/**
 * The pack files named by `policies.paths`: files, or directories searched for *.yaml,
 * *.yml, *.json. Walks are bounded (depth and entries), skip hidden entries and never follow
 * a symbolic link to a directory; a linked file is kept only when it stays inside the
 * project's confinement. Problems are findings at the manifest line that named the path.
 */
import { type Dirent, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { PathConfinement } from '../../config/confinement.js';
import { errnoReason, inspectFile } from '../../config/read-file.js';
import type { Finding, SourceRange } from '../../diagnostics/finding.js';

const PACK_EXT = /\.(ya?ml|json)$/i;
/** Directory levels below a policy path that are searched. */
export const MAX_WALK_DEPTH = 16;
/** Directory entries a policy path's walk may visit. */
export const MAX_WALK_ENTRIES = 10_000;

export interface PackScope {
  /** Directory the paths are relative to. */
  root: string;
  paths: string[];
  /** Where the project's files may come from (absent: paths given on the command line). */
  confine?: PathConfinement;
  /** Where the i-th path is written (the manifest's `policies.paths[i]`). */
  locate?: (index: number) => SourceRange | undefined;
}

export interface PackDiscovery {
  files: string[];
  findings: Finding[];
}

export function discoverPackFiles(scope: PackScope): PackDiscovery {
  const files: string[] = [];
  const findings: Finding[] = [];
  for (const [i, p] of scope.paths.entries()) {
    const abs = resolve(scope.root, p);
    const problem = (rule: string, message: string) =>
      findings.push({
        rule,
        severity: 'error',
        message: `policy path "${p}": ${message}`,
        path: `policies.paths[${i}]`,
        location: scope.locate?.(i) ?? { file: abs, line: 1, column: 1, endLine: 1, endColumn: 1 },
      });
    const top = inspectFile(abs, { confine: scope.confine, allowDirectory: true });
    if (!top.ok) {
      problem(top.refusal.rule, top.refusal.message);
      continue;
    }
    if (!top.isDirectory) {
      files.push(abs);
      continue;
    }
    const walk = packFilesIn(abs, scope.confine);
    files.push(...walk.files);
    for (const w of walk.problems) problem(w.rule, w.message);
  }
  return { files: [...new Set(files)], findings };
}

/**
 * Pack files in a directory and its subdirectories, sorted, skipping hidden entries and
 * links to directories; with a confinement, a linked file must resolve inside it.
 */
export function packFilesIn(
  dir: string,
  confine?: PathConfinement,
): { files: string[]; problems: Array<{ rule: string; message: string }> } {
  const files: string[] = [];
  const problems: Array<{ rule: string; message: string }> = [];
  let visited = 0;
  const visit = (d: string, depth: number): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      problems.push({ rule: 'io/read', message: `${relative(dir, d) || '.'}: ${errnoReason(err)}` });
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (++visited > MAX_WALK_ENTRIES) {
        problems.push({
          rule: 'io/too-large',
          message: `more than ${MAX_WALK_ENTRIES} entries below it; name the pack files or a smaller directory`,
        });
        return false;
      }
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (depth >= MAX_WALK_DEPTH) {
          problems.push({
            rule: 'io/too-large',
            message: `directories nested deeper than ${MAX_WALK_DEPTH} levels below it`,
          });
          return false;
        }
        if (!visit(p, depth + 1)) return false;
        continue;
      }
      if (!PACK_EXT.test(e.name)) continue;
      // Judged where it leads (a link to a directory is never followed); the read checks again.
      const r = inspectFile(p, { confine, allowDirectory: true });
      if (!r.ok) {
        problems.push({ rule: r.refusal.rule, message: `${relative(dir, p)}: ${r.refusal.message}` });
        continue;
      }
      if (r.isDirectory) continue;
      files.push(p);
    }
    return true;
  };
  visit(dir, 0);
  return { files, problems };
}
