// Runs one export through the library (the CLI's code path after `check`) and prints the
// result with the process's peak RSS: `node run-export.mjs CONFIG_JSON OUT`.
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
});
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ ...result, maxRssMb })}\n`);
