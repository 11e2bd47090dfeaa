// Policy engine benchmark (runs against dist/: `npm run bench`, or `npm run bench:policy`).
// 1. The whole rule catalogue (built-in + the example's local pack) over the example's three
//    environments, warm, in microseconds per rule per environment.
// 2. 1,000 generated projects (6 files each) checked end to end, in files per second:
//    in-process through the library, and through one CLI process given every project.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { checkProject } from '../dist/check/check-project.js';
import { buildRuleInputs, evaluateRules } from '../dist/policy/evaluate.js';
import { projectRules } from '../dist/policy/rule-set.js';
import { CLI, median, REPO, sized } from './lib.mjs';

const example = join(REPO, 'examples', 'orders-export');

// ── 1. catalogue, warm ───────────────────────────────────────────────────────
{
  const result = checkProject({ cwd: example });
  const { project, configs } = result.projects[0];
  const rules = projectRules(project).active;
  const info = {
    name: project.manifest.name,
    reference: project.reference,
    environments: Object.fromEntries(project.environments.map((e) => [e.name, { protected: e.protected }])),
  };
  const envs = configs.map((c) => ({ env: c.env, protected: c.protected, config: c.values }));
  const runOnce = (inputs) => {
    let n = 0;
    for (const e of envs) n += evaluateRules(rules, inputs.get(e.env)).findings.length;
    return n;
  };
  const reused = buildRuleInputs(envs, info);
  const time = (iterations, fresh) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) runOnce(fresh ? buildRuleInputs(envs, info) : reused);
    return Number(process.hrtime.bigint() - t0) / 1e3; // µs
  };
  time(sized(500, 5), true); // warm-up: JIT, CEL handles, regex cache
  const iterations = Number(process.env.BENCH_ITERATIONS ?? sized(2000, 20));
  const perRuleEnv = (fresh) =>
    median([1, 2, 3, 4, 5].map(() => time(iterations, fresh))) / (iterations * rules.length * envs.length);
  const evalOnly = perRuleEnv(false);
  const withInputs = perRuleEnv(true);
  console.log(
    `catalogue: ${rules.length} rules × ${envs.length} environments (examples/orders-export), warm`,
  );
  console.log(`  ${evalOnly.toFixed(2)} µs per rule per environment (evaluation)`);
  console.log(
    `  ${withInputs.toFixed(2)} µs per rule per environment (including building each environment's CEL input)`,
  );
  console.log(
    `  ${((withInputs * rules.length * envs.length) / 1000).toFixed(3)} ms for the whole catalogue over the project`,
  );
}

// ── 2. 1,000 generated projects, end to end ──────────────────────────────────
{
  const count = Number(process.env.BENCH_PROJECTS ?? sized(1000, 5));
  const root = mkdtempSync(join(tmpdir(), 'exportctl-bench-'));
  try {
    const base = readFileSync(join(example, 'config', 'base.yaml'), 'utf8');
    const manifest = readFileSync(join(example, 'exportctl.yaml'), 'utf8');
    const dirs = [];
    let seed = 42;
    const rand = (n) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < count; i++) {
      const dir = join(root, `p${String(i).padStart(4, '0')}`);
      // The whole example (policies, compat/, requirements*.txt: a project's dependency files
      // are read too), without data or run state; its config files are rewritten below.
      cpSync(example, dir, {
        recursive: true,
        filter: (src) =>
          src === example || !/^(data|exports|\.exportctl)$/.test(relative(example, src).split(sep)[0]),
      });
      writeFileSync(
        join(dir, 'exportctl.yaml'),
        manifest.replace('name: orders-export', `name: project-${i}`),
      );
      writeFileSync(
        join(dir, 'config', 'base.yaml'),
        base
          .replace('port: 8080', `port: ${8000 + rand(100)}`)
          .replace('chunk_size: 2000', `chunk_size: ${[500, 2000, 3000, 8000][rand(4)]}`)
          .replace('timeout: 30s', `timeout: ${[5, 30, 60, 200][rand(4)]}s`),
      );
      for (const [env, body] of Object.entries({
        dev: `server:\n  host: 127.0.0.1\nexport:\n  chunk_size: 500\n  limits:\n    per_user_per_hour: 20\n`,
        staging: `database:\n  url: \${DATABASE_URL:-sqlite:data/s.db}\n  server_max_connections: 50\n`,
        prod: `database:\n  url: \${DATABASE_URL:-sqlite:data/p.db}\n  server_max_connections: ${[40, 200][rand(2)]}\n`,
      })) {
        writeFileSync(join(dir, 'config', 'envs', `${env}.yaml`), body);
      }
      dirs.push(dir);
    }

    const t0 = process.hrtime.bigint();
    const r = checkProject({ cwd: root, paths: dirs });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`\n${count} generated projects (${r.files.length} files, ${r.findings.length} findings):`);
    console.log(
      `  library, one process:  ${(r.files.length / s).toFixed(0)} files/s (${(s * 1000).toFixed(0)} ms)`,
    );

    const c0 = process.hrtime.bigint();
    const cli = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...dirs], {
      cwd: root,
      maxBuffer: 512 * 1024 * 1024,
      encoding: 'utf8',
    });
    const cs = Number(process.hrtime.bigint() - c0) / 1e9;
    if (cli.status !== 0 && cli.status !== 1)
      throw new Error(`check exited ${cli.status}: ${cli.stderr}${cli.stdout.slice(0, 2000)}`);
    const files = JSON.parse(cli.stdout).summary.files;
    console.log(
      `  CLI, check PATH×${count}: ${(files / cs).toFixed(0)} files/s (${(cs * 1000).toFixed(0)} ms, report included)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
