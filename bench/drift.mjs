// Drift over 4 environments of a 10,000-key config: the engine on composed configs (median of
// BENCH_RUNS), and `exportctl drift --format json` end to end. Runs against dist/ (npm run build).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, median, REPO, sized, timeCommand } from './lib.mjs';

const dist = (p) => pathToFileURL(join(REPO, 'dist', p)).href;
const { checkProject } = await import(dist('check/check-project.js'));
const { driftProject } = await import(dist('drift/project-drift.js'));

const runs = Number(process.env.BENCH_RUNS ?? sized(15, 2));
const COLUMNS = sized(2500, 50); // 3 keys each
const ALERTS = sized(500, 10); //   5 keys each

const dir = mkdtempSync(join(tmpdir(), 'exportctl-bench-drift-'));
try {
  const example = join(REPO, 'examples', 'orders-export');
  cpSync(join(example, 'compat'), join(dir, 'compat'), { recursive: true });
  const baseText = readFileSync(join(example, 'config', 'base.yaml'), 'utf8')
    .replace(/^ {2}columns:\n(?: {4}- .*\n)+/m, () => {
      const lines = ['  columns:'];
      for (let i = 0; i < COLUMNS; i++)
        lines.push(`    - { name: col_${i}, from: src_${i}, max_length: ${64 + (i % 7)} }`);
      return `${lines.join('\n')}\n`;
    })
    .replace(/^ {2}alerts:\n(?: {4}- .*\n)+/m, () => {
      const lines = ['  alerts:'];
      for (let i = 0; i < ALERTS; i++)
        lines.push(
          `    - { name: Alert${i}, metric: export_metric_${i}, op: ">", threshold: ${i}, for: 5m }`,
        );
      return `${lines.join('\n')}\n`;
    });
  writeFileSync(join(dir, 'base.yaml'), baseText);

  const envs = ['dev', 'staging', 'qa', 'prod'];
  const overlay = (env, k) => {
    const alerts = [];
    // every 10th alert: a quieter threshold (allowed); every 97th column: a longer max_length (drift)
    for (let i = k; i < ALERTS; i += 10) alerts.push(`    - { name: Alert${i}, threshold: ${i * 2 + k} }`);
    const cols = [];
    for (let i = k; i < COLUMNS; i += 97) cols.push(`    - { name: col_${i}, max_length: 200 }`);
    return [
      'infrastructure:',
      `  storage: { bucket: orders-${env} }`, // differs only by the environment's name
      `  instance: { type: ${env === 'prod' ? 'm6i.large' : 't3.small'} }`,
      'monitoring:',
      '  alerts:',
      ...alerts,
      'export:',
      '  columns:',
      ...cols,
      '',
    ].join('\n');
  };
  envs.forEach((env, k) => {
    // prod, the reference, sets only the bucket and machine type
    const text = env === 'prod' ? overlay(env, 0).split('monitoring:')[0] : overlay(env, k + 1);
    writeFileSync(join(dir, `${env}.yaml`), text);
  });
  writeFileSync(
    join(dir, 'exportctl.yaml'),
    [
      'apiVersion: exportctl/v1',
      'kind: Project',
      'name: bench',
      'base: base.yaml',
      'environments:',
      ...envs.map((e) => `  ${e}: { overlay: ${e}.yaml${e === 'prod' ? ', protected: true' : ''} }`),
      'reference: prod',
      'drift:',
      '  allow:',
      '    - path: monitoring.alerts[*].threshold',
      '      reason: quieter alerts outside prod',
      '    - path: infrastructure.instance.type',
      '      envs: [dev, staging, qa]',
      '      reason: smaller machines',
      '',
    ].join('\n'),
  );

  const checked = checkProject({ cwd: dir, paths: [dir], stages: [] }).projects[0];
  const { project, configs } = checked;
  /** Median wall time and mean CPU time of `runs` calls, after one warm-up. */
  const measure = (fn) => {
    fn();
    const wall = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      fn();
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const cpu = process.cpuUsage(cpu0);
    return { wall: median(wall), cpu: (cpu.user + cpu.system) / 1000 / runs };
  };
  const last = driftProject(project, configs);
  const report = measure(() => driftProject(project, configs));
  const lean = measure(() => driftProject(project, configs, { rows: false }));
  const cmp = last.comparison;
  const count = (v) => cmp.rows.filter((r) => r.verdict === v).length;
  const cli = [];
  for (let i = 0; i < sized(5, 1); i++)
    cli.push(
      timeCommand(process.execPath, [CLI, 'drift', '--format', 'json', '--project', dir], {
        expectStatus: 1,
      }),
    );

  const ms = (x) => `${x.toFixed(1)} ms`.padStart(10);
  console.log(
    `drift, ${envs.length} environments × ${cmp.rows.length} keys (reference prod), median of ${runs}:`,
  );
  console.log(`  side-by-side report (exportctl drift)  ${ms(report.wall)} wall  ${ms(report.cpu)} cpu`);
  console.log(`  findings only (check's drift stage)    ${ms(lean.wall)} wall  ${ms(lean.cpu)} cpu`);
  console.log(
    `  exportctl drift --format json, end to end (load, compose, schema, drift; median of ${cli.length})  ${ms(median(cli))}`,
  );
  console.log(
    `  ${count('drift')} drifted, ${count('allowed')} allowed, ${count('normalized')} same up to env name; ${last.findings.length} findings`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
