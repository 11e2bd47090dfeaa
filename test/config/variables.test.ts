import { describe, expect, it } from 'vitest';
import { listVariables, resolveVariables } from '../../src/config/variables.js';

describe('variables', () => {
  it('lists references and defaults, and resolves them from the environment', () => {
    const values = { database: { url: 'postgres://${U:-app}:${P}@db/${DB:-orders}' } };
    expect(listVariables(values).map((r) => [r.name, r.default])).toEqual([
      ['U', 'app'],
      ['P', undefined],
      ['DB', 'orders'],
    ]);
    expect(resolveVariables(values, { P: 'pw', DB: 'x' })).toEqual({
      database: { url: 'postgres://app:pw@db/x' },
    });
  });

  it('scans unclosed references in linear time', () => {
    // Quadratic before: every `${` scanned to the end of the string looking for `}`.
    const hostile = '${A:-'.repeat(200_000);
    const t0 = performance.now();
    expect(listVariables({ x: hostile })).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
