/**
 * Runs the official yaml-test-suite (vendored in yaml-test-suite/cases.json) through the
 * config loader (`parseDocumentText`) and sorts each case into an outcome: a valid case that
 * loads and equals the suite's JSON, a valid case refused, an invalid case refused, and so on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseDocumentText } from '../../src/config/load-document.js';
import type { Finding } from '../../src/diagnostics/finding.js';

const DIR = join(import.meta.dirname, 'yaml-test-suite');

export interface SuiteCase {
  id: string;
  name: string;
  yaml: string;
  /** The expected values as a stream of JSON texts; null where the suite cannot say it in JSON. */
  json: string | null;
  /** The suite marks the input as not YAML. */
  error: boolean;
}

/** `equal`: loads as the suite's JSON; `differs`: loads as something else; `loaded`: loads, no JSON to compare. */
export type Outcome = 'equal' | 'differs' | 'loaded' | 'refused';

export interface CaseResult {
  id: string;
  outcome: Outcome;
  /** The first error's message when refused, else a short note. */
  message: string;
  findings: Finding[];
}

export function suiteCases(): { commit: string; cases: SuiteCase[] } {
  return JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { commit: string; cases: SuiteCase[] };
}

/** Splits a stream of JSON texts (`{..} {..}` or one value per line) into values. */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) break;
    const start = i;
    const open = text[i];
    if (open === '{' || open === '[') {
      let depth = 0;
      let inString = false;
      for (; i < n; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
    } else if (open === '"') {
      for (i++; i < n && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
    } else {
      while (i < n && !/\s/.test(text[i])) i++;
    }
    values.push(JSON.parse(text.slice(start, i)));
  }
  return values;
}

export function runSuiteCase(c: SuiteCase): CaseResult {
  const r = parseDocumentText(c.yaml, `${c.id}.yaml`);
  const error = r.findings.find((f) => f.severity === 'error');
  const findings = r.findings;
  if (!r.doc || error)
    return { id: c.id, outcome: 'refused', message: error?.message ?? 'no document', findings };
  if (c.json === null) return { id: c.id, outcome: 'loaded', message: '', findings };
  const expected = parseJsonStream(c.json);
  const want = expected.length === 0 ? null : expected.length === 1 ? expected[0] : expected;
  if (isDeepStrictEqual(toPlain(r.doc.value), want))
    return { id: c.id, outcome: 'equal', message: '', findings };
  return {
    id: c.id,
    outcome: 'differs',
    findings,
    message: `got ${JSON.stringify(r.doc.value)?.slice(0, 200)}, want ${JSON.stringify(want)?.slice(0, 200)}`,
  };
}

/** Objects with the prototype `isDeepStrictEqual` expects, values as JSON would carry them. */
function toPlain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v) ?? 'null');
}
