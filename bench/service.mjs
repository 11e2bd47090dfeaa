// Load test of `exportctl serve` on loopback: status requests per second and p99 latency of
// GET /exports/:id while four exports run (autocannon). Bounded: stops itself after ~1 min.
// Usage: node bench/service.mjs [--rows N] [--seconds S] [--connections C]
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { CLI, REPO, SHORT, sized } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg('rows', sized(400_000, 2_000));
const SECONDS = arg('seconds', sized(8, 1));
const CONNECTIONS = arg('connections', sized(16, 2));
const guard = setTimeout(() => {
  console.error('bench/service: took too long, stopping');
  process.exit(1);
}, 120_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-bench-svc-'));
let child;
try {
  const example = path.join(REPO, 'examples', 'orders-export');
  // The whole project (config, policies, requirements*.txt: serve checks them all before it
  // starts), without its data and run state.
  const skip = new Set(['data', 'exports', '.exportctl']);
  fs.cpSync(example, dir, {
    recursive: true,
    filter: (src) => src === example || !skip.has(path.relative(example, src).split(path.sep)[0]),
  });
  fs.mkdirSync(path.join(dir, 'data'));
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    String(ROWS),
    '--out',
    path.join(dir, 'data', 'orders.db'),
  ]);

  const token = 'bench-token';
  child = spawn(process.execPath, [CLI, 'serve', '--env', 'dev', '--port', '0', '--metrics-port', 'off'], {
    cwd: dir,
    env: { ...process.env, EXPORTCTL_TOKENS: `bench:${token}`, EXPORTCTL_ADMIN_TOKENS: 'ops:ops' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => {
    log += d;
  });
  let url;
  for (let i = 0; i < 200 && !url; i++) {
    const m = /"msg":"listening","url":"([^"]+)"/.exec(log);
    if (m) url = m[1];
    else await new Promise((r) => setTimeout(r, 50));
  }
  if (!url) throw new Error(`serve did not start:\n${log}`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${url}/exports`, { method: 'POST', headers, body: '{"full":true}' });
    ids.push((await res.json()).id);
  }
  const status = async () =>
    Promise.all(
      ids.map(async (id) => (await (await fetch(`${url}/exports/${id}`, { headers })).json()).status),
    );
  await new Promise((r) => setTimeout(r, 300));
  const before = await status();
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/exports/${ids[n++ % ids.length]}` }),
      },
    ],
  });
  const after = await status();
  const running = before.filter((s) => s === 'running').length;
  console.log(
    `service: ${ROWS} rows x 4 exports (workers 4), ${CONNECTIONS} connections for ${SECONDS}s on ${os.cpus().length} cores`,
  );
  console.log(`  exports running at start of load: ${running}/4; at the end: ${after.join(', ')}`);
  console.log(
    `  GET /exports/:id  ${Math.round(result.requests.average)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${result.errors + result.non2xx}`,
  );
  if (running < 4 && !SHORT) console.log('  note: fewer than four exports ran during the load; raise --rows');
} finally {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  clearTimeout(guard);
}
