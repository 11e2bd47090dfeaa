import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { checkEnvironment } from '../check/check-environment.js';
import { appendPath } from '../config/path.js';
import type { Provenance } from '../config/provenance.js';
import { redactSecrets } from '../config/secrets.js';
import { listVariables } from '../config/variables.js';
import { countFindings } from '../diagnostics/counts.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { relativeFile } from '../report/report.js';
import type { PrintFlags } from './commands/print.js';
import { EXIT, refusalExitCode } from './exit-codes.js';
import { reportRefusal } from './report-findings.js';

export function runPrint(flags: PrintFlags): number {
  if (!['yaml', 'json'].includes(flags.format))
    throw new UsageError(`unknown format "${flags.format}" (choose yaml, json)`);
  const cwd = process.cwd();
  const checked = checkEnvironment({ cwd, project: flags.project, env: flags.env });
  // `print` shows an environment that does not pass check too (it is how one looks at it),
  // and says so; it refuses only one that did not compose.
  const config = checked.ok ? checked.environment.effective : checked.effective;
  if (!checked.ok && !config) {
    reportRefusal({ findings: checked.refusal.findings, cwd, files: checked.files, envs: [flags.env] });
    return refusalExitCode(checked.refusal);
  }
  if (!config) throw new Error('internal: a checked environment without its config');
  if (!checked.ok) {
    const errors = countFindings(checked.refusal.findings).errors;
    process.stderr.write(
      `exportctl: note: ${checked.refusal.message} (${errors} error${errors === 1 ? '' : 's'}; \`exportctl check --env ${flags.env}\` lists them)\n`,
    );
  }
  const values = redactSecrets(config.values);
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(values, null, 2)}\n`);
    return EXIT.OK;
  }
  const doc = new Document(values);
  const vars = [...new Set(listVariables(config.values).map((v) => v.name))];
  doc.commentBefore = ` effective config of ${flags.env}${vars.length ? `; needs ${vars.join(', ')} at run time` : ''}`;
  if (flags.provenance) annotate(doc.contents as Node, '', config.provenance, cwd);
  process.stdout.write(doc.toString({ lineWidth: 0 }));
  return EXIT.OK;
}

/** Puts `# file:line:col` after every scalar, and after the key of every collection (the key's own position). */
function annotate(node: Node | null, path: string, prov: Provenance, cwd: string): void {
  if (!node) return;
  const origin = prov.origin(path);
  const where = origin
    ? ` ${relativeFile(cwd, origin.value.file)}:${origin.value.line}:${origin.value.column}`
    : undefined;
  if (isScalar(node)) {
    if (where) node.comment = where;
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const child = appendPath(path, key);
      const v = pair.value as Node | null;
      if (v && !isScalar(v)) {
        // A map or list is where its key is written (`server:`), not where its first item is.
        const o = prov.origin(child);
        const at = o?.key ?? o?.value;
        if (at) (pair.key as Node).comment = ` ${relativeFile(cwd, at.file)}:${at.line}:${at.column}`;
      }
      annotate(v, child, prov, cwd);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      annotate(item as Node, appendPath(path, i), prov, cwd);
    });
  }
}
