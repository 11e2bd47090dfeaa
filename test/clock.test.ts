/**
 * The clock the suite runs under. CI runs the date-sensitive tests a second time with the
 * clock moved to 2030 (faketime) and sets EXPORTCTL_EXPECT_YEAR=2030: this test proves that
 * the move reached this process and the CLI's child processes, so that step cannot pass
 * vacuously on a clock that was never moved.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const childYear = (): number => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(new Date().getUTCFullYear()))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
};

describe('the clock of the suite', () => {
  it('is the expected year here and in child processes', () => {
    const expected = process.env.EXPORTCTL_EXPECT_YEAR;
    const here = new Date().getUTCFullYear();
    if (expected !== undefined) expect(here).toBe(Number(expected));
    // A child sees the same calendar as the test (the year can only roll over in between).
    expect([here, here + 1]).toContain(childYear());
  });
});
