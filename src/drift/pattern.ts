/**
 * `drift.allow` paths: a drift key, or a pattern over drift keys.
 *
 *   server.host                          one key (and everything under it)
 *   monitoring.alerts[*].threshold       every named item of a list
 *   monitoring.alerts[name=ExportSlow]   one named item (also `[ExportSlow]`)
 *   infrastructure.*.class               any one segment
 *   infrastructure.tags.**               any number of segments
 *   infrastructure.tags["team.io/x"]     a map key with dots or brackets
 *
 * A pattern covers the keys it matches and everything beneath them. List positions
 * (`[0]`) are refused: positions are not stable across environments.
 */
import type { DriftKey } from './keys.js';

export type PatternSegment =
  | { kind: 'key'; key: string }
  | { kind: 'item'; name: string }
  | { kind: 'any' }
  | { kind: 'any-item' }
  | { kind: 'deep' };

export interface DriftPattern {
  source: string;
  segments: PatternSegment[];
  /** True when the pattern has no wildcard (it names one key). */
  literal: boolean;
}

export class PatternError extends Error {
  override readonly name = 'PatternError';
}

const JSON_STRING = /^"(?:[^"\\]|\\.)*"/;

export function parsePattern(source: string): DriftPattern {
  const segments: PatternSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PatternError(`invalid drift path "${source}" at column ${i + 1}: ${why}`);
  };
  const s = source.trim();
  if (s === '') fail('empty path');
  let expectSegment = true;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      if (expectSegment) fail('empty segment');
      expectSegment = true;
      i++;
      continue;
    }
    if (c === '[') {
      if (segments.length === 0 && expectSegment && i !== 0) fail('"[" after "."');
      const close = findClose(s, i);
      if (close === -1) fail('unclosed "["');
      const inner = s.slice(i + 1, close).trim();
      segments.push(parseSelector(inner, fail));
      i = close + 1;
      expectSegment = false;
      continue;
    }
    if (!expectSegment) fail(`expected "." or "[" before "${c}"`);
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') {
      if (s[j] === ']') fail('unexpected "]"');
      j++;
    }
    const word = s.slice(i, j);
    segments.push(
      word === '**' ? { kind: 'deep' } : word === '*' ? { kind: 'any' } : { kind: 'key', key: word },
    );
    i = j;
    expectSegment = false;
  }
  if (expectSegment) fail('path ends with "."');
  const literal = segments.every((g) => g.kind === 'key' || g.kind === 'item');
  return { source, segments, literal };
}

function findClose(s: string, open: number): number {
  let j = open + 1;
  while (j < s.length && s[j] === ' ') j++;
  // A quoted name may hold "]".
  const rest = s.slice(j);
  const eq = /^name\s*=\s*/.exec(rest);
  const q = JSON_STRING.exec(eq ? rest.slice(eq[0].length) : rest);
  if (q) j += (eq ? eq[0].length : 0) + q[0].length;
  const close = s.indexOf(']', j);
  return close;
}

function parseSelector(inner: string, fail: (why: string) => never): PatternSegment {
  if (inner === '*') return { kind: 'any-item' };
  if (/^\d+$/.test(inner)) {
    fail(
      `list positions like [${inner}] differ between environments; select named items with [name=…] or [*]`,
    );
  }
  const named = /^name\s*=\s*(.*)$/s.exec(inner);
  if (named) return { kind: 'item', name: unquote(named[1].trim(), fail) };
  if (inner.startsWith('"')) return { kind: 'key', key: unquote(inner, fail) };
  if (inner === '') fail('empty "[]"');
  return { kind: 'item', name: inner };
}

function unquote(text: string, fail: (why: string) => never): string {
  if (!text.startsWith('"')) return text;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'string') return v;
  } catch {}
  return fail(`bad quoted name ${text}`);
}

/** Whether the pattern matches `key` or one of its ancestors (an allowance covers a subtree). */
export function patternCovers(pattern: DriftPattern, key: DriftKey): boolean {
  return matchFrom(pattern.segments, 0, key, 0);
}

function matchFrom(p: PatternSegment[], pi: number, key: DriftKey, ki: number): boolean {
  if (pi === p.length) return true;
  const seg = p[pi];
  if (seg.kind === 'deep') {
    if (matchFrom(p, pi + 1, key, ki)) return true;
    return ki < key.length && matchFrom(p, pi, key, ki + 1);
  }
  if (ki === key.length) return false;
  const k = key[ki];
  let ok: boolean;
  switch (seg.kind) {
    case 'key':
      ok = typeof k === 'string' && k === seg.key;
      break;
    case 'item':
      ok = typeof k !== 'string' && k.name === seg.name;
      break;
    case 'any-item':
      ok = typeof k !== 'string';
      break;
    case 'any':
      ok = true;
      break;
  }
  return ok && matchFrom(p, pi + 1, key, ki + 1);
}
