/**
 * Starts a throwaway PostgreSQL server for tests: initdb + pg_ctl as the `postgres` OS user
 * (the tests run as root), on a free loopback port, data and socket in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  /** Runs SQL through psql as the superuser; returns stdout. */
  psql(sql: string): string;
  stop(): void;
}

/**
 * Where PostgreSQL's server binaries are: $PG_BIN, then `pg_config --bindir`, then every
 * installed Debian version (/usr/lib/postgresql/N/bin, newest first), then /usr/local/bin.
 */
export function postgresBinDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  try {
    dirs.push(
      execFileSync('pg_config', ['--bindir'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  } catch {
    // No pg_config (it is in libpq-dev): the versioned directories below still count.
  }
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  for (const v of versions) dirs.push(path.join(debian, v, 'bin'));
  dirs.push('/usr/local/bin');
  return dirs;
}

function findBin(name: string): string {
  const dirs = postgresBinDirs();
  for (const d of dirs) {
    if (fs.existsSync(path.join(d, name))) return path.join(d, name);
  }
  throw new Error(
    `${name} not found in ${dirs.join(', ')}: install PostgreSQL (apt-get install postgresql) or set PG_BIN to its bin directory`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(args: string[]): string {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot)
    return execFileSync(args[0], args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return execFileSync('runuser', ['-u', 'postgres', '--', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface PostgresOptions {
  /** Server settings passed as `-c name=value` (e.g. `{ max_connections: 20 }`); none by default. */
  settings?: Record<string, string | number>;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const initdb = findBin('initdb');
  const pgCtl = findBin('pg_ctl');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-pg-'));
  fs.chmodSync(base, 0o755);
  const dataDir = path.join(base, 'data');
  const sockDir = path.join(base, 'sock');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(sockDir);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', base]);
  asPostgres([
    initdb,
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
  const extra = Object.entries(options.settings ?? {}).map(([name, value]) => {
    if (!/^[a-z_.]+$/.test(name) || !/^[\w.:/-]+$/.test(String(value)))
      throw new Error(`unsupported PostgreSQL setting ${name}=${value}`);
    return ` -c ${name}=${value}`;
  });
  const opts = `-p ${port} -k ${sockDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off${extra.join('')}`;
  asPostgres([
    pgCtl,
    '-D',
    dataDir,
    '-o',
    opts,
    '-l',
    path.join(base, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const psqlBin = fs.existsSync('/usr/bin/psql') ? '/usr/bin/psql' : findBin('psql');
  let stopped = false;
  return {
    url,
    port,
    dataDir,
    psql(sql: string) {
      return execFileSync(psqlBin, [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres([pgCtl, '-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
