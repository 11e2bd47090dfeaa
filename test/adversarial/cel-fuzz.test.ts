/**
 * Property-based fuzzing of the CEL engine as packs use it (the policy environment, the
 * activation `check` builds): generated expressions from a small CEL grammar, evaluated
 * against generated configs. Whatever the input: no exception escapes, no stack trace in a
 * message, a value or a clean error positioned inside the expression, within the budget.
 * The seed is printed first; replay a failure with CEL_FUZZ_SEED=<seed>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigValues } from '../../src/config/types.js';
import type { CelOutcome } from '../../src/policy/cel/engine.js';
import { policyCelEngine } from '../../src/policy/cel/policy-environment.js';
import { formatCelValue, MAX_FORMATTED_CHARS } from '../../src/policy/cel/values.js';
import { buildRuleInputs } from '../../src/policy/evaluate.js';

const SEED = Number(process.env.CEL_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.CEL_FUZZ_RUNS ?? 400);
/** Per evaluation: the budget's 500 ms, plus generous slack for a loaded machine. */
const MAX_EVAL_MS = 3_000;
const MAX_RSS_BYTES = 400 * 1024 * 1024;

// --- configs ---------------------------------------------------------------------------

const scalar = fc.oneof(
  fc.integer({ min: -70000, max: 70000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constantFrom('5s', '1m', '85%', '64KiB', '1.2.3', '>=1.0', 'x'.repeat(300), 'a,b,c', ''),
  fc.string({ maxLength: 20 }),
  fc.constant(null),
);
const KEYS = ['port', 'host', 'name', 'timeout', 'limits', 'alerts', 'labels', 'a', 'b'];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    scalar,
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 5 }),
  ),
})).v;
const config = fc.record(
  {
    server: fc.record({ port: fc.integer({ min: 0, max: 70000 }), host: fc.string({ maxLength: 10 }) }),
    export: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 }),
    monitoring: fc.record({ alerts: fc.array(value, { maxLength: 6 }) }),
    metadata: fc.record({ labels: fc.dictionary(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })) }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<ConfigValues>;

// --- expressions -----------------------------------------------------------------------

const PATHS = [
  'server',
  'server.port',
  'server.host',
  'export',
  'export.limits',
  'export.a.b',
  'monitoring.alerts',
  'metadata.labels',
  'metadata.labels.name',
  'config',
  'config.server',
  'envs',
  'project.name',
  'env',
  'protected',
];
const stringLit = fc
  .string({
    maxLength: 12,
    unit: fc.constantFrom(
      'a',
      'b',
      '.',
      '*',
      '+',
      '(',
      ')',
      '[',
      ']',
      '|',
      '^',
      '$',
      '\\',
      '"',
      ',',
      '1',
      ' ',
    ),
  })
  .map((s) => JSON.stringify(s));
const literal = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '0', '1u', '2.5', '1e308', '-0.0'),
  fc.boolean().map(String),
  fc.constant('null'),
  stringLit,
  fc.constantFrom('"5s"', '"1h"', '"85%"', '"64KiB"', '"1.2.3"', '"^1.0.0"', '"a,b"'),
  fc.constantFrom('b"abc"', "b'\\xff'", 'r"\\d+"', '"""x\ny"""'),
);
const BIN = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in'];
const METHODS0 = ['size', 'lowerAscii', 'upperAscii', 'trim'];
const METHODS1 = [
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'split',
  'join',
  'indexOf',
  'exists',
  'all',
];
const FUNCS1 = [
  'size',
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'bytes',
  'duration',
  'timestamp',
  'dyn',
  'type',
  'percent',
  'byteSize',
  'isPort',
  'isPrivilegedPort',
];
const MACROS = ['all', 'exists', 'exists_one', 'map', 'filter'];

const expr: fc.Arbitrary<string> = fc.letrec((tie) => {
  const e = tie('e') as fc.Arbitrary<string>;
  return {
    e: fc.oneof(
      { depthSize: 'small', maxDepth: 6, withCrossShrink: true },
      literal,
      fc.constantFrom(...PATHS),
      fc.constantFrom('x', 'y', 'v'), // iteration and bound variables (unknown outside: a clean error)
      fc.tuple(e, fc.constantFrom(...BIN), e).map(([a, op, b]) => `(${a} ${op} ${b})`),
      e.map((a) => `!${a}`),
      e.map((a) => `-${a}`),
      fc.tuple(e, e, e).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
      fc.array(e, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
      fc
        .array(fc.tuple(stringLit, e), { maxLength: 3 })
        .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      fc.tuple(e, fc.constantFrom(...KEYS)).map(([a, k]) => `${a}.${k}`),
      fc.tuple(e, e).map(([a, i]) => `${a}[${i}]`),
      fc.tuple(fc.constantFrom(...FUNCS1), e).map(([f, a]) => `${f}(${a})`),
      fc.tuple(e, fc.constantFrom(...METHODS0)).map(([a, m]) => `${a}.${m}()`),
      fc.tuple(e, fc.constantFrom(...METHODS1), e).map(([a, m, b]) => `${a}.${m}(${b})`),
      fc
        .tuple(e, fc.constantFrom(...MACROS), fc.constantFrom('x', 'y'), e)
        .map(([r, m, v, body]) => `${r}.${m}(${v}, ${body})`),
      fc.tuple(e, e).map(([v, body]) => `cel.bind(v, ${v}, ${body})`),
      fc.constantFrom(...PATHS.filter((p) => p.includes('.'))).map((p) => `has(${p})`),
      fc.tuple(e, e).map(([a, b]) => `semver.satisfies(${a}, ${b})`),
      fc.tuple(e, e).map(([a, b]) => `pep440.satisfies(${a}, ${b})`),
      fc.tuple(e, e).map(([a, b]) => `retryBackoff(${a}, duration(${b}))`),
      e.map((a) => `dyn(${a})`),
    ),
  };
}).e;

/** Amplifiers: a value grown by repeated doubling, then worked on; must stay in budget. */
const amplifier = fc
  .tuple(
    fc.constantFrom('"abcdefgh"', '[1, 2, 3, 4]', '"a,b,c,d,"', '[[1], [2]]', '{"a": 1}'),
    fc.integer({ min: 1, max: 40 }),
    fc.constantFrom('s + s', '[s, s]', 's + s + s + s', '[s].map(q, s)', 'dyn(s) + dyn(s)'),
    fc.constantFrom(
      'size(s) > 0',
      's == s',
      'dyn(s).matches("(a|b)+$")',
      'dyn(s).split(",").size() > 0',
      'dyn(s).contains("zz")',
      'dyn(s).all(q, true)',
      'dyn(s).map(q, [q, q]).size() > 0',
      'string(dyn(s)) == ""',
      '[s, s] == [s, s]',
      's in [s, s]',
    ),
  )
  .map(([seed, n, grow, use]) => {
    let open = `cel.bind(s, ${seed}, `;
    for (let i = 0; i < n; i++) open += `cel.bind(s, ${grow}, `;
    return `${open}${use}${')'.repeat(n + 1)}`;
  });

// --- the property ----------------------------------------------------------------------

const STACK = /\n\s+at .+:\d+:\d+\)?|node:internal/;

function activationOf(cfg: ConfigValues) {
  const inputs = buildRuleInputs([{ env: 'dev', protected: false, config: cfg }], {
    name: 'fuzz',
    reference: 'dev',
    environments: { dev: { protected: false } },
  });
  return (inputs.get('dev') as NonNullable<ReturnType<typeof inputs.get>>).activation();
}

function expectClean(source: string, outcome: CelOutcome<unknown>): void {
  if (outcome.ok) return;
  const e = outcome.error;
  expect(typeof e.code).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.message).not.toMatch(STACK);
  expect(e.start).toBeGreaterThanOrEqual(0);
  expect(e.end).toBeLessThanOrEqual(source.length);
  expect(e.start).toBeLessThanOrEqual(e.end);
}

function checkOne(source: string, cfg: ConfigValues): void {
  const engine = policyCelEngine();
  const compiled = engine.compile(source);
  expectClean(source, compiled);
  if (!compiled.ok) return;
  const t0 = performance.now();
  const r = compiled.value.evaluate(activationOf(cfg));
  const ms = performance.now() - t0;
  expect(ms, source).toBeLessThan(MAX_EVAL_MS);
  expectClean(source, r);
  if (r.ok) expect(formatCelValue(r.value).length).toBeLessThanOrEqual(MAX_FORMATTED_CHARS + 1);
}

describe('CEL engine fuzzing', () => {
  it('gives a value or a clean, positioned error for generated expressions and configs', () => {
    console.log(`CEL fuzz seed ${SEED} (replay: CEL_FUZZ_SEED=${SEED}), ${RUNS} runs`);
    fc.assert(
      fc.property(expr, config, (source, cfg) => checkOne(source, cfg)),
      { seed: SEED, numRuns: RUNS },
    );
    expect(process.memoryUsage().rss).toBeLessThan(MAX_RSS_BYTES);
  });

  it('keeps values grown by doubling within the budget', () => {
    console.log(`CEL amplifier fuzz seed ${SEED}`);
    let stopped = 0;
    fc.assert(
      fc.property(amplifier, (source) => {
        const engine = policyCelEngine();
        const c = engine.compile(source);
        expectClean(source, c);
        if (!c.ok) return;
        const t0 = performance.now();
        const r = c.value.evaluate({ ...activationOf({}) });
        expect(performance.now() - t0, source).toBeLessThan(MAX_EVAL_MS);
        expectClean(source, r);
        if (!r.ok && r.error.code === 'budget_exceeded') stopped++;
      }),
      { seed: SEED, numRuns: Math.max(50, RUNS / 4) },
    );
    // The generator reaches the budget (else it tests nothing).
    expect(stopped).toBeGreaterThan(0);
    expect(process.memoryUsage().rss).toBeLessThan(MAX_RSS_BYTES);
  });
});
