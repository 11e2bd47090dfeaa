// A throwaway PostgreSQL for the benchmark (the tests' helper, in plain JS): initdb + pg_ctl
// as the postgres OS user, a free loopback port, data and socket in a temp folder.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

function findBin(name) {
  for (const d of [
    process.env.PG_BIN,
    '/usr/local/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/15/bin',
  ]) {
    if (d && fs.existsSync(path.join(d, name))) return path.join(d, name);
  }
  throw new Error(`${name} not found: install PostgreSQL (apt-get install postgresql)`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(args) {
  if (process.getuid?.() !== 0)
    return execFileSync(args[0], args.slice(1), { encoding: 'utf8', stdio: 'pipe' });
  return execFileSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', stdio: 'pipe' });
}

export async function startPostgres() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-bench-pg-'));
  fs.chmodSync(base, 0o755);
  const dataDir = path.join(base, 'data');
  const sockDir = path.join(base, 'sock');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(sockDir);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', base]);
  asPostgres([
    findBin('initdb'),
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const opts = `-p ${port} -k ${sockDir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB`;
  asPostgres([
    findBin('pg_ctl'),
    '-D',
    dataDir,
    '-o',
    opts,
    '-l',
    path.join(base, 'server.log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asPostgres([findBin('pg_ctl'), '-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
