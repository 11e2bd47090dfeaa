/**
 * The per-user rate ledger of both state stores: a slot given back (a request refused
 * before its job started) no longer counts; the limit still holds for the rest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/exporter/state/sqlite-store.js';
import type { StateStore } from '../../src/exporter/state/store.js';
import { RedisStateStore } from '../../src/service/store/redis.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

let redisServer: RedisServer;
let redis: Redis;
let dir: string;

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(`${redisServer.url}/3`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-rate-'));
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await redisServer?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

describe.each([
  ['SQLite', () => new SqliteStateStore(path.join(dir, 'state.db')) as StateStore],
  ['Redis', () => new RedisStateStore(redis, 'exportctl:test') as StateStore],
])('%s rate ledger', (_name, open) => {
  it('gives a released slot back and keeps the limit for the others', async () => {
    const store = open();
    const t = Date.UTC(2025, 0, 1, 12);
    const a = await store.takeRateSlot('dev\u0000ann', 2, HOUR, t);
    const b = await store.takeRateSlot('dev\u0000ann', 2, HOUR, t + 1000);
    expect(a.allowed && b.allowed).toBe(true);
    expect((await store.takeRateSlot('dev\u0000ann', 2, HOUR, t + 2000)).allowed).toBe(false);
    if (!b.allowed) throw new Error('unreachable');
    await store.releaseRateSlot('dev\u0000ann', b.slot);
    // Releasing another subject's slot id does nothing.
    await store.releaseRateSlot('dev\u0000bob', a.allowed ? a.slot : '');
    const c = await store.takeRateSlot('dev\u0000ann', 2, HOUR, t + 3000);
    expect(c.allowed).toBe(true);
    expect((await store.takeRateSlot('dev\u0000ann', 2, HOUR, t + 4000)).allowed).toBe(false);
    await store.close();
  });
});
