/** The one memo of pure results behind PEP 440 parsing, comparing and clause matching. */
import { expect, it } from 'vitest';
import { Memo } from '../../src/deps/ecosystems/memo.js';
import { compareVersions, parseVersion } from '../../src/deps/ecosystems/pep440.js';

it('computes once per key, remembers null and false, and stays within its bound', () => {
  const memo = new Memo<number | null>(3);
  let calls = 0;
  const get = (k: string, v: number | null) =>
    memo.get(k, () => {
      calls++;
      return v;
    });
  expect(get('a', 1)).toBe(1);
  expect(get('a', 99)).toBe(1);
  expect(get('n', null)).toBeNull();
  expect(get('n', 5)).toBeNull();
  expect(calls).toBe(2);
  get('b', 2);
  // Full (3 keys): the next new key starts over rather than growing without end.
  expect(get('c', 3)).toBe(3);
  expect(get('a', 7)).toBe(7);
  expect(calls).toBe(5);
});

it('PEP 440 answers stay the same when asked again (memoised) and past the bound', () => {
  const versions = Array.from({ length: 60_000 }, (_, i) => `1.${i}`);
  const first = parseVersion('1.0rc1');
  for (const v of versions) expect(parseVersion(v)?.release[1]).toBe(Number(v.slice(2)));
  expect(parseVersion('1.0rc1')).toEqual(first);
  expect(parseVersion('not a version')).toBeNull();
  expect(parseVersion('not a version')).toBeNull();
  const a = parseVersion('1.0')!;
  const b = parseVersion('1.0.post1')!;
  expect(compareVersions(a, b)).toBe(-1);
  expect(compareVersions(b, a)).toBe(1);
  expect(compareVersions(a, b)).toBe(-1);
});
