// `check` cold start on the example project next to bare `node -e 0`, run alternately.
import { join } from 'node:path';
import { CLI, REPO, sideBySide, sized, timeCommand } from './lib.mjs';

const example = join(REPO, 'examples', 'orders-export');
const runs = Number(process.env.BENCH_RUNS ?? sized(15, 2));
const m = sideBySide(
  {
    'node -e 0': () => timeCommand(process.execPath, ['-e', '0'], { cwd: example }),
    'exportctl check': () => timeCommand(process.execPath, [CLI, 'check'], { cwd: example }),
  },
  runs,
);
console.log(`check cold start (examples/orders-export, median of ${runs}):`);
console.log(`  node -e 0        ${m['node -e 0'].toFixed(1)} ms`);
console.log(`  exportctl check  ${m['exportctl check'].toFixed(1)} ms`);
console.log(
  `  ratio            ${(m['exportctl check'] / m['node -e 0']).toFixed(2)}x bare Node (aim: < 3x)`,
);
