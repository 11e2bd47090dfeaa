/**
 * Trust in the language: the CEL conformance tests that need no protobuf types, run
 * through our CEL interface. The names of those that pass are committed in
 * cel-conformance.passing.json; this test fails when one of them stops passing.
 * After an intended change (a cel-js upgrade that passes more): UPDATE_CEL_CONFORMANCE=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceCases, runCase } from './cel-conformance.js';

const LIST = join(import.meta.dirname, 'cel-conformance.passing.json');

describe('CEL conformance (no protobuf types)', () => {
  it('passes every test it passed before', () => {
    const { cases } = conformanceCases();
    const passing = cases.filter((c) => runCase(c).ok).map((c) => c.id);
    if (process.env.UPDATE_CEL_CONFORMANCE) {
      writeFileSync(LIST, `${JSON.stringify({ total: cases.length, passing }, null, 1)}\n`);
    }
    const committed = JSON.parse(readFileSync(LIST, 'utf8')) as { passing: string[] };
    const now = new Set(passing);
    const regressed = committed.passing.filter((id) => !now.has(id));
    expect(regressed, 'CEL conformance tests that passed before and fail now').toEqual([]);
    expect(committed.passing.length).toBeGreaterThan(500);
  });
});
