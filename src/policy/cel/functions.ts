/**
 * The functions exportctl adds to CEL, for what config rules need: percentages, sizes,
 * ports, retry backoff, `semver.satisfies` and `pep440.satisfies`. Durations are CEL's
 * own (`duration("5m") < duration("1h")`). Units are parsed by the one parser in
 * `src/config/units.ts`. Handlers throw on bad input; the engine turns that into an
 * evaluation error with the call's position.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { Duration } from '@marcbachmann/cel-js/evaluator';
import { ECOSYSTEMS } from '../../deps/ecosystems/index.js';
import type { Ecosystem } from '../../deps/ecosystems/types.js';
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

  // Version logic is the deps stage's (src/deps/ecosystems): one judge of what a specifier allows.
  const versionFunctions = (ns: string, type: string, eco: Ecosystem) => {
    env.registerType(type, ns === 'semver' ? SemverFunctions : Pep440Functions);
    env.registerConstant(ns, type, ns === 'semver' ? new SemverFunctions() : new Pep440Functions());
    env.registerFunction(
      `${type}.satisfies(string, string): bool`,
      (_ns: unknown, v: string, spec: string) => {
        if (!eco.isVersion(v)) fail(`not a ${eco.syntax} version: "${v}"`);
        const parsed = eco.parseSpecifier(spec);
        if (!parsed.ok) fail(`not a ${eco.syntax} specifier: "${spec}" (${parsed.message})`);
        return eco.satisfies(v, parsed.spec);
      },
    );
    env.registerFunction(`${type}.valid(string): bool`, (_ns: unknown, v: string) => eco.isVersion(v));
  };
  versionFunctions('semver', 'exportctl.SemverFunctions', ECOSYSTEMS.npm);
  versionFunctions('pep440', 'exportctl.Pep440Functions', ECOSYSTEMS.pypi);
}
