/** A throwaway redis-server for tests: loopback, a free port, no persistence, stopped after. */
import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { requireExecutable } from './prerequisites.js';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
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

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  const redisServer = requireExecutable('redis-server', 'Redis (Debian: apt-get install redis-server)');
  const port = await freePort();
  const child: ChildProcess = spawn(
    redisServer,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: 'ignore' },
  );
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (e) => {
      spawnError = e;
      resolve();
    });
  });
  for (let i = 0; i < 100 && !spawnError && child.exitCode === null && !(await ping(port)); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (spawnError || child.exitCode !== null || !(await ping(port))) {
    child.kill('SIGKILL');
    const why = spawnError
      ? spawnError.message
      : child.exitCode !== null
        ? `exited ${child.exitCode}`
        : 'no PONG in 5 s';
    throw new Error(`${redisServer} did not start on port ${port} (${why})`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
