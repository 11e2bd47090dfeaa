/** The compatibility matrix an environment names (`dependencies.compatibility`), if it can be used. */
import { relativeFile } from '../report/report.js';
import { resolve } from 'node:path';
import { isFileRefusal } from '../config/read-file.js';
import type { DepsFileCache } from './file-cache.js';
import type { CompatibilityMatrix } from './matrix.js';
import type { DepsContext, EnvDependencies } from './model.js';

/**
 * The matrix, or undefined when none is named or it cannot be used (then `out.fatal`: the
 * check must stop). Its file and findings go to `out`; an unreadable file is reported where
 * the config names it.
 */
export function environmentMatrix(
  ctx: DepsContext,
  deps: Record<string, unknown>,
  cache: DepsFileCache,
  out: EnvDependencies,
): CompatibilityMatrix | undefined {
  const { eco, config, root } = ctx;
  const locate = (path: string) => config.provenance.locate(path);
  let matrix: CompatibilityMatrix | undefined;
  if (typeof deps.compatibility === 'string' && deps.compatibility !== '') {
    const file = resolve(root, deps.compatibility);
    const load = cache.matrix(file);
    const unreadable = load.findings.find((f) => isFileRefusal(f.rule));
    if (!unreadable) out.files.push(file);
    // A file that cannot be read is reported where the config names it.
    out.findings.push(...load.findings.filter((f) => f !== unreadable));
    if (!load.matrix) {
      out.fatal = true;
      if (unreadable) {
        out.findings.push({
          rule: unreadable.rule,
          severity: 'error',
          message: `compatibility matrix "${deps.compatibility}": ${unreadable.message}`,
          path: 'dependencies.compatibility',
          env: config.env,
          location: locate('dependencies.compatibility'),
        });
      }
    } else if (load.matrix.ecosystem !== eco.name) {
      out.fatal = true;
      out.findings.push({
        rule: 'schema/invalid',
        severity: 'error',
        message: `${relativeFile(root, file)} is a ${load.matrix.ecosystem} matrix, but dependencies.ecosystem is ${eco.name}`,
        path: 'dependencies.compatibility',
        env: config.env,
        location: locate('dependencies.compatibility'),
      });
    } else matrix = load.matrix;
  }
  return matrix;
}
