/** Binding the API and metrics listeners; a port that cannot be had is a start error (exit 2). */
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceStartError } from './start-error.js';

/** Listens on `host:port` (0: any free port) and answers the `http://host:port` it got. */
export function listen(server: http.Server, host: string, port: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new ServiceStartError(`cannot listen on ${host}:${port}: ${listenProblem(err)}`, [], 'LISTEN_FAILED'),
      ),
    );
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

function listenProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return 'the port is already in use (choose another with --port or server.port)';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'the address is not on this machine (server.host)';
  return (err as Error)?.message ?? String(err);
}
