import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parsePercent, parseSize } from '../../src/config/units.js';

// What the exporter relies on in the shared unit parser.
describe('units as the exporter reads them', () => {
  it('parses Go/CEL durations and rejects bare numbers', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('300')).toBeUndefined();
    expect(parseDuration('3 s')).toBeUndefined();
  });

  it('parses percentages (0–100) and sizes', () => {
    expect(parsePercent('85%')).toBe(85);
    expect(parsePercent('85')).toBeUndefined();
    expect(parseSize('64KiB')).toBe(65_536);
    expect(parseSize('10MB')).toBe(10_000_000);
  });

  it('formats durations for messages', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(59_000)).toBe('59s');
  });
});
