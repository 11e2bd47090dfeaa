// `synth` of the example's three environments, and `check` cold start next to it, showing
// that cdktf stays out of check: check's time is that of bare Node plus config work, while
// synth pays for loading cdktf and the provider bindings.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO, sideBySide, sized, timeCommand } from './lib.mjs';

const example = join(REPO, 'examples', 'orders-export');
const runs = Number(process.env.BENCH_RUNS ?? sized(10, 1));
const out = mkdtempSync(join(tmpdir(), 'exportctl-bench-synth-'));
const hook = join(REPO, 'test', 'terraform', 'fixtures', 'record-modules.cjs');
try {
  const m = sideBySide(
    {
      'node -e 0': () => timeCommand(process.execPath, ['-e', '0'], { cwd: example }),
      'exportctl check': () => timeCommand(process.execPath, [CLI, 'check'], { cwd: example }),
      'exportctl synth': () => timeCommand(process.execPath, [CLI, 'synth', '--out', out], { cwd: example }),
    },
    runs,
  );
  // In-process: the emitter alone (load once, then per-synth time).
  const { checkEnvironments } = await import(join(REPO, 'dist', 'check', 'check-environment.js'));
  const { synthesize } = await import(join(REPO, 'dist', 'terraform', 'synth.js'));
  const t0 = performance.now();
  const { loadDefaultEmitter } = await import(join(REPO, 'dist', 'terraform', 'emitter.js'));
  const emitter = await loadDefaultEmitter();
  const loadMs = performance.now() - t0;
  // What synthProject hands to synthesize: every environment checked, typed by the schema.
  const checked = checkEnvironments({ cwd: example });
  if (!checked.ok) throw new Error('the example project does not pass check');
  const project = checked.project.project;
  const configs = checked.environments.map((e) => ({
    env: e.env,
    values: e.effective.values,
    config: e.config,
  }));
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    synthesize({ project, configs }, emitter);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  // Which heavy modules each command loads.
  const { spawnSync } = await import('node:child_process');
  const record = join(out, 'modules.json');
  const heavy = (cmd) => {
    spawnSync(process.execPath, ['-r', hook, CLI, ...cmd], {
      cwd: example,
      env: { ...process.env, RECORD_MODULES: record },
    });
    const req = createRequire(import.meta.url);
    delete req.cache[record];
    return req(record).filter((p) => /node_modules[\\/](cdktf|@cdktf|constructs)[\\/]/.test(p)).length;
  };

  console.log(`synth (examples/orders-export, 3 environments, median of ${runs}):`);
  console.log(`  node -e 0                    ${m['node -e 0'].toFixed(1)} ms`);
  console.log(
    `  exportctl check              ${m['exportctl check'].toFixed(1)} ms  (cdktf modules loaded: ${heavy(['check'])})`,
  );
  console.log(
    `  exportctl synth (3 stacks)   ${m['exportctl synth'].toFixed(1)} ms  (cdktf modules loaded: ${heavy(['synth', '--out', out])})`,
  );
  console.log(
    `  in-process: load cdktf + bindings ${loadMs.toFixed(1)} ms, synthesize 3 stacks ${times[Math.floor(times.length / 2)].toFixed(1)} ms`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
