import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parsePercent, parseSize } from '../../src/config/units.js';

describe('units', () => {
  it('parses durations as Go and CEL write them, in ms', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('100us')).toBeCloseTo(0.1);
    for (const bad of ['', '30', '30 s', 's', '1h-30m', '5d', 30 as unknown as string]) {
      expect(parseDuration(bad), String(bad)).toBeUndefined();
    }
  });

  it('formats durations the way configs write them', () => {
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(0)).toBe('0s');
  });

  it('parses percentages (0–100) and sizes (bytes)', () => {
    expect(parsePercent('85%')).toBe(85);
    expect(parsePercent('70.5%')).toBe(70.5);
    expect(parsePercent('101%')).toBeUndefined();
    expect(parsePercent('85')).toBeUndefined();
    expect(parseSize('64KiB')).toBe(65536);
    expect(parseSize('10MB')).toBe(10_000_000);
    expect(parseSize('1.5GiB')).toBe(1610612736);
    expect(parseSize('10 MB')).toBeUndefined();
    expect(parseSize('10mb')).toBeUndefined();
  });
});
