/**
 * `string.matches(re)` backed by RE2 (re2js): linear time in the input, so a pattern such
 * as `(a+)+$` from a policy pack cannot hang `check` the way a backtracking engine would.
 * CEL specifies RE2 syntax anyway; JavaScript's RegExp accepts a different language.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

// re2js is large (~270 KB of Unicode tables): loaded on the first `matches`, not on every `check`.
const require = createRequire(import.meta.url);
let re2: typeof RE2JS | undefined;
function engine(): typeof RE2JS {
  re2 ??= (require('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return re2;
}

const MAX_CACHED = 512;
const cache = new Map<string, RE2JS | Error>();

function compiled(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = engine().compile(pattern);
    } catch (err) {
      re = new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, re);
  }
  if (re instanceof Error) throw re;
  return re;
}

/**
 * The number of instructions of the pattern's RE2 program: RE2's simulation steps through
 * at most all of them for each character of the input, so a match costs at most
 * `text.length × programSize(pattern)` steps. Throws for a pattern RE2 refuses.
 */
export function re2ProgramSize(pattern: string): number {
  const re = compiled(pattern) as unknown as { re2Input?: { prog?: { inst?: unknown[] } } };
  const inst = re.re2Input?.prog?.inst;
  // re2js keeps its program there; if a new version moves it, charge as for a large program.
  return Array.isArray(inst) ? inst.length : 1000;
}

/** Whether `pattern` (RE2 syntax) matches any substring of `text`, as CEL's `matches` demands. */
export function re2Matches(text: string, pattern: string): boolean {
  return compiled(pattern).test(text);
}

/** The compile error of a pattern, if any (used to reject constant patterns at load). */
export function re2Problem(pattern: string): string | undefined {
  try {
    compiled(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
