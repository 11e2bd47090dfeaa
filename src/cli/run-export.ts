/**
 * `exportctl export`: validate through the check pipeline (errors: exit 1, nothing
 * exported), then run one job of the environment's effective config.
 */
import { checkEnvironment } from '../check/check-environment.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { ExportError, type ExportResult, jsonLineLogger, runExport } from '../exporter/index.js';
import { projectProtectedPaths } from '../exporter/output-target.js';
import { relativeFile } from '../report/report.js';
import type { ExportFlags } from './commands/export.js';
import { EXIT, errorExitCode, refusalExitCode } from './exit-codes.js';
import { ProgressBar } from './progress-bar.js';
import { reportRefusal } from './report-findings.js';

function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** What an incremental run read, and how to read everything. */
function incrementalLines(r: ExportResult, env: string): string[] {
  const inc = r.incremental;
  if (!inc) return [];
  if (inc.full)
    return [`  window  every row (--full); the next run continues from this one's last ${inc.column}`];
  if (!inc.after) return [`  window  every row (first incremental run of ${env}, by ${inc.column})`];
  const lines = [
    `  window  incremental: rows after ${inc.column} = ${inc.after.cursor} (key ${inc.after.key}), the mark of the last run`,
  ];
  if (r.rows === 0)
    lines.push(
      `          nothing changed since; export every row with: exportctl export --env ${env} --full`,
    );
  else lines.push(`          export every row with --full`);
  return lines;
}

export function formatSummary(r: ExportResult, cwd: string, env = ''): string {
  return [
    `exported ${r.rows.toLocaleString('en-US')} rows to ${relativeFile(cwd, r.file)} (${humanBytes(r.bytes)}, ${r.encoding}${r.replaced ? `, ${r.replaced} characters replaced` : ''}) in ${(r.duration_ms / 1000).toFixed(1)}s`,
    `  job     ${r.job}${r.resumed ? ' (resumed)' : ''}`,
    `  sha256  ${r.sha256}`,
    `  manifest ${relativeFile(cwd, r.manifest)}`,
    ...incrementalLines(r, env),
    '',
  ].join('\n');
}

/** EXPORTCTL_WORKERS: SQLite reader threads (0 = in the job's thread); default one per CPU, at most 2. */
function readerWorkers(): number | undefined {
  const v = process.env.EXPORTCTL_WORKERS;
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`EXPORTCTL_WORKERS expects a whole number, got "${v}"`);
  return Number(v);
}

export async function runExportCommand(flags: ExportFlags): Promise<number> {
  if (!['text', 'json'].includes(flags.format)) {
    throw new UsageError(`unknown format "${flags.format}" (choose text, json)`);
  }
  const cwd = process.cwd();
  const checked = checkEnvironment({ cwd, project: flags.project, env: flags.env });
  if (!checked.ok) {
    reportRefusal({
      findings: checked.refusal.findings,
      cwd,
      files: checked.files,
      envs: [flags.env],
      message: `${checked.refusal.message}: nothing exported`,
    });
    return refusalExitCode(checked.refusal);
  }
  const { project, environment } = checked;

  const stderr = process.stderr;
  const bar = stderr.isTTY ? new ProgressBar(stderr) : undefined;
  const logger = jsonLineLogger((line) => {
    bar?.clear();
    stderr.write(line);
  });
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    // A second SIGINT or SIGTERM stops at once (the checkpoints already written stay).
    if (interrupts > 1) process.exit(EXIT.SIGINT);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runExport({
      values: environment.effective.values,
      projectRoot: project.project.root,
      protectedPaths: projectProtectedPaths(project.project, checked.files),
      env: flags.env,
      user: flags.user,
      out: flags.out,
      resume: flags.resume,
      full: flags.full,
      signal: controller.signal,
      logger,
      countRows: bar !== undefined,
      workers: readerWorkers(),
      onProgress: bar ? (p) => bar.update(p) : undefined,
    });
    bar?.clear();
    if (flags.format === 'json') {
      const { job, file, rows, bytes, sha256, encoding, replaced, duration_ms, incremental } = result;
      process.stdout.write(
        `${JSON.stringify({ job, file, rows, bytes, sha256, encoding, replaced, duration_ms, incremental })}\n`,
      );
    } else {
      process.stdout.write(formatSummary(result, cwd, flags.env));
    }
    return EXIT.OK;
  } catch (err) {
    bar?.clear();
    if (!(err instanceof ExportError || err instanceof UsageError)) throw err;
    // The job's own log line carries the details; this is the line a person reads.
    stderr.write(
      err instanceof ExportError ? `exportctl: ${err.code}: ${err.message}\n` : `exportctl: ${err.message}\n`,
    );
    if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
    return errorExitCode(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
