/**
 * The shared source check against a server that accepts connections and never answers (a
 * hung database): every concurrent caller shares one check, one connection is opened, the
 * verdict "down" comes within the acquire timeout, and later callers reuse it without
 * opening more.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readExporterSettings } from '../../src/exporter/index.js';
import { SourceHealth } from '../../src/service/source-health.js';
import { testValues } from '../helpers/example-config.js';

let hung: net.Server;
const sockets: net.Socket[] = [];
let port = 0;

beforeAll(async () => {
  hung = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  port = (hung.address() as net.AddressInfo).port;
});
afterAll(() => {
  for (const s of sockets) s.destroy();
  hung.close();
});

it('a hung source: one connection for 50 concurrent callers, "down" within the acquire timeout', async () => {
  const settings = readExporterSettings(
    testValues({
      database: {
        driver: 'postgres',
        url: `postgres://app@127.0.0.1:${port}/orders`,
        pool: { acquire_timeout: '1s' },
      },
    }),
    { projectRoot: os.tmpdir() },
  );
  const health = new SourceHealth();
  const t0 = Date.now();
  const answers = await Promise.all(Array.from({ length: 50 }, () => health.check(settings, 300)));
  const ms = Date.now() - t0;
  expect(new Set(answers).size).toBe(1);
  expect(answers[0]).toMatch(/no answer|timeout|unavailable/i);
  // Bounded by the acquire timeout (1 s), generously.
  expect(ms).toBeLessThan(10_000);
  expect(sockets).toHaveLength(1);
  // Reused: more callers right away open nothing new.
  expect(await health.check(settings, 300)).toBe(answers[0]);
  expect(sockets).toHaveLength(1);
  await health.close();
});

it('a connection that never settles does not stop later checks: the next one probes again', async () => {
  const settings = readExporterSettings(
    testValues({
      database: {
        driver: 'postgres',
        url: `postgres://app@127.0.0.1:${port}/orders`,
        pool: { acquire_timeout: '500ms' },
      },
    }),
    { projectRoot: os.tmpdir() },
  );
  const before = sockets.length;
  const health = new SourceHealth(10);
  expect(await health.check(settings, 200)).toMatch(/no answer|timeout|unavailable/i);
  expect(sockets.length).toBe(before + 1);
  // Past the answer's TTL and one more deadline, the hung connection still open.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await health.check(settings, 200)).toMatch(/no answer|timeout|unavailable/i);
  expect(sockets.length).toBe(before + 2);
  await health.close();
});
