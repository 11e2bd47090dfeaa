/** The webhook's retries wait the exporter's capped backoff: a huge initial backoff is cut to the cap. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { jsonLineLogger } from '../../src/exporter/log.js';
import { WebhookNotifier } from '../../src/service/webhook.js';

const hits: number[] = [];
const server = http.createServer((req, res) => {
  req.resume();
  hits.push(Date.now());
  res.writeHead(503).end();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('retries a failing receiver with the backoff capped at maxBackoffMs', async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  let logs = '';
  // Uncapped, 3 attempts would wait 60 s + 120 s; capped at 100 ms they take well under 20 s.
  const n = new WebhookNotifier(
    () => ({ url, timeoutMs: 5000 }),
    jsonLineLogger((l) => {
      logs += l;
    }),
    3,
    60_000,
    100,
  );
  const started = Date.now();
  n.notify({ event: 'export.failed', id: 'j1', env: 'dev', user: 'alice', status: 'failed' });
  await n.flush(30_000);
  expect(hits.length).toBe(3);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(logs).toContain('webhook notification failed: HTTP 503');
});
