import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  isDuration,
  parseDuration,
  parsePercent,
  parseSize,
} from '../../src/config/units.js';

describe('units', () => {
  it('parses Go/CEL durations and rejects bare numbers', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('300')).toBeUndefined();
    expect(parseDuration('3 s')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(isDuration('10m')).toBe(true);
    expect(isDuration(10)).toBe(false);
  });

  it('parses percentages and sizes', () => {
    expect(parsePercent('85%')).toBeCloseTo(0.85);
    expect(parsePercent('85')).toBeUndefined();
    expect(parseSize('64KiB')).toBe(65_536);
    expect(parseSize('10MB')).toBe(10_000_000);
    expect(parseSize('10 parsecs')).toBeUndefined();
  });

  it('formats durations for messages', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(59_000)).toBe('59s');
    expect(formatDuration(250)).toBe('250ms');
  });
});
