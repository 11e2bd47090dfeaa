/**
 * The functions exportctl adds to CEL, for what config rules need: percentages, sizes,
 * ports, retry backoff, `semver.satisfies` and `pep440.satisfies`. Durations are CEL's
 * own (`duration("5m") < duration("1h")`). Units are parsed by the one parser in
 * `src/config/units.ts`. Handlers throw on bad input; the engine turns that into an
 * evaluation error with the call's position.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { Duration } from '@marcbachmann/cel-js/evaluator';
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { formatDuration, parsePercent, parseSize } from '../../config/units.js';

const DURATION = 'google.protobuf.Duration';

/** Receiver objects for namespaced functions (`semver.satisfies(...)`). */
class SemverFunctions {}
class Pep440Functions {}

export interface CelFunctionDoc {
  signature: string;
  description: string;
}

/** What `explain` and the docs list as the extra functions. */
export const CEL_FUNCTION_DOCS: CelFunctionDoc[] = [
  { signature: 'percent(string) -> double', description: '`percent("85%")` is 85.0.' },
  {
    signature: 'byteSize(string) -> int',
    description: '`byteSize("64KiB")` is 65536; units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB.',
  },
  { signature: 'isPort(int) -> bool', description: 'A TCP port: 1–65535.' },
  { signature: 'isPrivilegedPort(int) -> bool', description: 'Below 1024 (needs root to bind).' },
  {
    signature: 'retryBackoff(int, duration[, duration]) -> duration',
    description:
      'Total wait of `attempts` retries whose backoff starts at the first duration and doubles, capped by the second.',
  },
  {
    signature: 'string(duration) -> string',
    description: 'A duration as text, as configs write it: `duration("300s")` → `5m`.',
  },
  {
    signature: 'semver.satisfies(string, string) -> bool',
    description: 'npm semver: the version is within the range.',
  },
  { signature: 'semver.valid(string) -> bool', description: 'npm semver: the text is a version.' },
  {
    signature: 'pep440.satisfies(string, string) -> bool',
    description: 'PEP 440: the version matches the specifier.',
  },
  { signature: 'pep440.valid(string) -> bool', description: 'PEP 440: the text is a version.' },
  {
    signature: 'string.matches(string) -> bool',
    description: 'RE2 regular expression search (linear time; backtracking constructs are refused).',
  },
];

function fail(message: string): never {
  throw new Error(message);
}

function retryBackoffMs(attempts: bigint, initialMs: number, maxMs: number): number {
  let total = 0;
  let wait = initialMs;
  const n = Number(attempts > 1000n ? 1000n : attempts);
  for (let i = 0; i < n; i++) {
    total += Math.min(wait, maxMs);
    wait *= 2;
    if (wait >= maxMs && Number.isFinite(maxMs)) {
      total += (n - i - 1) * maxMs;
      break;
    }
  }
  return total;
}

export function registerExportctlFunctions(env: Environment): void {
  env.registerFunction(
    'percent(string): double',
    (s: string) => parsePercent(s) ?? fail(`not a percentage: "${s}"`),
  );
  env.registerFunction('byteSize(string): int', (s: string) => {
    const n = parseSize(s);
    return n === undefined ? fail(`not a size: "${s}"`) : BigInt(n);
  });
  env.registerFunction('isPort(int): bool', (p: bigint) => p >= 1n && p <= 65535n);
  env.registerFunction('isPrivilegedPort(int): bool', (p: bigint) => p >= 1n && p < 1024n);
  env.registerFunction(`retryBackoff(int, ${DURATION}): ${DURATION}`, (n: bigint, d: Duration) =>
    Duration.fromMilliseconds(retryBackoffMs(n, d.valueOf(), Number.POSITIVE_INFINITY)),
  );
  env.registerFunction(
    `retryBackoff(int, ${DURATION}, ${DURATION}): ${DURATION}`,
    (n: bigint, d: Duration, max: Duration) =>
      Duration.fromMilliseconds(retryBackoffMs(n, d.valueOf(), max.valueOf())),
  );
  env.registerFunction(`string(${DURATION}): string`, (d: Duration) => formatDuration(d.valueOf()));

  env.registerType('exportctl.SemverFunctions', SemverFunctions);
  env.registerConstant('semver', 'exportctl.SemverFunctions', new SemverFunctions());
  env.registerFunction(
    'exportctl.SemverFunctions.satisfies(string, string): bool',
    (_ns: unknown, v: string, r: string) => {
      if (semver.valid(v) === null) fail(`not a semver version: "${v}"`);
      if (semver.validRange(r) === null) fail(`not a semver range: "${r}"`);
      return semver.satisfies(v, r);
    },
  );
  env.registerFunction(
    'exportctl.SemverFunctions.valid(string): bool',
    (_ns: unknown, v: string) => semver.valid(v) !== null,
  );

  env.registerType('exportctl.Pep440Functions', Pep440Functions);
  env.registerConstant('pep440', 'exportctl.Pep440Functions', new Pep440Functions());
  env.registerFunction(
    'exportctl.Pep440Functions.satisfies(string, string): bool',
    (_ns: unknown, v: string, s: string) => {
      if (pep440.valid(v) === null) fail(`not a PEP 440 version: "${v}"`);
      if (!pep440.validRange(s)) fail(`not a PEP 440 specifier: "${s}"`);
      return pep440.satisfies(v, s);
    },
  );
  env.registerFunction(
    'exportctl.Pep440Functions.valid(string): bool',
    (_ns: unknown, v: string) => pep440.valid(v) !== null,
  );
}
