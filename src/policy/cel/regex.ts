/**
 * `string.matches(re)` backed by RE2 (re2js): linear time in the input, so a pattern such
 * as `(a+)+$` from a policy pack cannot hang `check` the way a backtracking engine would.
 * CEL specifies RE2 syntax anyway; JavaScript's RegExp accepts a different language.
 */
import { RE2JS } from 're2js';

const MAX_CACHED = 512;
const cache = new Map<string, RE2JS | Error>();

function compiled(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      re = new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, re);
  }
  if (re instanceof Error) throw re;
  return re;
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
