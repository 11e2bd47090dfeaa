// Runs one export through the library (the CLI's code path after `check`) and prints the
// result with the process's peak RSS: `node run-export.mjs CONFIG_JSON OUT`.
import { readFileSync } from 'node:fs';
import { runExport } from '../../dist/exporter/index.js';

const [configJson, out] = process.argv.slice(2);
const { values, projectRoot, statePath } = JSON.parse(configJson);
const result = await runExport({
  values,
  projectRoot,
  env: 'bench',
  out,
  statePath,
  processEnv: process.env,
  // A user per run: the per-user rate limit is not what is measured.
  user: `bench-rss-${process.pid}`,
  // The CLI's EXPORTCTL_WORKERS, which this library call would not otherwise see.
  workers: process.env.EXPORTCTL_WORKERS ? Number(process.env.EXPORTCTL_WORKERS) : undefined,
});
// VmHWM, not getrusage's maxRSS: after fork+exec the latter still counts the parent's pages.
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const maxRssMb = Math.round(Number(hwm?.[1]) / 1024);
process.stdout.write(`${JSON.stringify({ ...result, maxRssMb })}\n`);
