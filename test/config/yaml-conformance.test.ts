/**
 * YAML 1.2 conformance locked against the official yaml-test-suite (vendored in
 * yaml-test-suite/, see its README): every valid case loads and equals the suite's JSON (or,
 * where the suite has no JSON, loads), every invalid case is refused, and the valid cases
 * refused on purpose are listed by id and reason in yaml-test-suite/divergences.json, each
 * refused with its reason's message. A `yaml` upgrade that changes any outcome fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CaseResult,
  type Outcome,
  runSuiteCase,
  type SuiteCase,
  suiteCases,
} from './yaml-conformance.js';

interface Refusal {
  id: string;
  reason: string;
  message: string;
  cases: string[];
}

const divergences = JSON.parse(
  readFileSync(join(import.meta.dirname, 'yaml-test-suite', 'divergences.json'), 'utf8'),
) as { refusals: Refusal[] };

const refusalOf = new Map<string, Refusal>();
for (const r of divergences.refusals) for (const id of r.cases) refusalOf.set(id, r);

function expectedOutcome(c: SuiteCase): Outcome {
  if (c.error || refusalOf.has(c.id)) return 'refused';
  return c.json === null ? 'loaded' : 'equal';
}

describe('yaml-test-suite conformance', () => {
  const { cases } = suiteCases();
  const results = new Map<string, CaseResult>(cases.map((c) => [c.id, runSuiteCase(c)]));

  it('holds every case of the suite', () => {
    expect(cases.length).toBe(402);
    for (const id of refusalOf.keys())
      expect(
        cases.some((c) => c.id === id),
        `${id} in divergences.json`,
      ).toBe(true);
  });

  it('every case has the outcome it is meant to have', () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const r = results.get(c.id)!;
      const want = expectedOutcome(c);
      if (r.outcome !== want) wrong.push(`${c.id} (${c.name}): ${r.outcome}, expected ${want} ${r.message}`);
    }
    expect(wrong, 'cases whose outcome changed').toEqual([]);
  });

  it('each documented refusal is refused for its documented reason', () => {
    const wrong: string[] = [];
    for (const refusal of divergences.refusals) {
      const pattern = new RegExp(refusal.message);
      for (const id of refusal.cases) {
        const r = results.get(id)!;
        if (!pattern.test(r.message)) wrong.push(`${id} [${refusal.id}]: "${r.message}"`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refusals are positioned one-line findings', () => {
    for (const c of cases) {
      const { outcome, findings } = results.get(c.id)!;
      if (outcome !== 'refused') continue;
      expect(findings.length, c.id).toBeGreaterThan(0);
      for (const f of findings) {
        expect(f.location?.line, c.id).toBeGreaterThanOrEqual(1);
        expect(f.message, c.id).not.toMatch(/\n|\bat .*\.js:\d+/);
      }
    }
  });

  it('counts', () => {
    const tally: Record<string, number> = {};
    for (const c of cases) {
      const kind = c.error ? 'invalid' : refusalOf.has(c.id) ? 'documented refusal' : 'valid';
      const key = `${kind}: ${results.get(c.id)!.outcome}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    process.stdout.write(`yaml-test-suite outcomes: ${JSON.stringify(tally)}\n`);
    expect(tally['valid: equal']).toBeGreaterThanOrEqual(248);
    expect(tally['invalid: refused']).toBe(cases.filter((c) => c.error).length);
  });
});
