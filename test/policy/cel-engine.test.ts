import { describe, expect, it } from 'vitest';
import { BudgetAccount, DEFAULT_BUDGET } from '../../src/policy/cel/budget.js';
import { CelEngine } from '../../src/policy/cel/engine.js';
import { policyCelEngine } from '../../src/policy/cel/policy-environment.js';
import { formatCelValue, toCel } from '../../src/policy/cel/values.js';

const engine = new CelEngine({ variables: { s: 'string', l: 'list<dyn>', m: 'map<string, dyn>' } });

function run(expr: string, activation: Record<string, unknown> = {}) {
  const c = engine.compile(expr);
  if (!c.ok) throw new Error(c.error.message);
  return c.value.evaluate(activation);
}

describe('CelEngine', () => {
  it('reports syntax errors with their offset', () => {
    const c = engine.compile('s.size() >');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error.start).toBe(10);
  });

  it('reports unknown variables and functions at compile time', () => {
    const a = engine.compile('nope.x == 1');
    expect(a.ok || a.error.message).toMatch(/Unknown variable: nope/);
    const b = engine.compile('frob(s)');
    expect(b.ok || b.error.message).toMatch(/no matching overload/);
  });

  it('refuses a non-bool assert when asked for bool', () => {
    const c = engine.compile('1 + 2', { expect: 'bool' });
    expect(c.ok || c.error.message).toMatch(/must evaluate to bool, not int/);
  });

  it('returns evaluation errors as values', () => {
    const r = run('m.missing > 1', { m: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/No such key: missing/);
  });

  it('treats config integers as CEL ints (BigInt)', () => {
    const r = run('m.port / 2 == 4040', { m: toCel({ port: 8080 }) });
    expect(r).toEqual({ ok: true, value: true });
  });

  it('has durations, percentages, sizes, ports, backoff, semver and pep440', () => {
    const e = policyCelEngine();
    const cases: Array<[string, unknown]> = [
      ['duration("1h30m") == duration("90m")', true],
      ['duration("250ms") < duration("1s")', true],
      ['percent("85%") == 85.0', true],
      ['byteSize("64KiB") == 65536', true],
      ['isPort(8080) && !isPrivilegedPort(8080) && isPrivilegedPort(80) && !isPort(70000)', true],
      ['retryBackoff(3, duration("1s")) == duration("7s")', true],
      ['retryBackoff(10, duration("1s"), duration("30s")) == duration("181s")', true],
      ['string(duration("300s"))', '5m'],
      ['semver.satisfies("1.2.3", "^1.2.0")', true],
      ['semver.satisfies("2.0.0", "^1.2.0")', false],
      ['pep440.satisfies("1.13.0+cu117", "==1.13.0+cu117")', true],
      ['pep440.satisfies("0.11.3", ">=0.11.1,!=0.11.3,<0.14")', false],
      ['pep440.satisfies("1.13.0+cu118", "==1.13.0+cu117")', false],
    ];
    for (const [expr, want] of cases) {
      const c = e.compile(expr);
      if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
      expect(c.value.evaluate({}), expr).toEqual({ ok: true, value: want });
    }
  });

  it('runs matches() on RE2: a pathological regex cannot hang evaluation', () => {
    const evil = `${'a'.repeat(5000)}!`;
    const t0 = performance.now();
    const r = run('s.matches("^(a+)+$")', { s: evil });
    expect(r).toEqual({ ok: true, value: false });
    const r2 = run('l.all(x, x.matches("^(a|aa)+$"))', { l: [evil, evil] });
    expect(r2).toEqual({ ok: true, value: false });
    const r3 = run('m.s.matches(m.re)', { m: { s: evil, re: '^(a*)*b$' } });
    expect(r3).toEqual({ ok: true, value: false });
    expect(performance.now() - t0).toBeLessThan(10_000); // against hangs, not a timing target
  });

  it('refuses regexes RE2 cannot run in linear time', () => {
    const c = engine.compile('s.matches("(a)\\\\1")');
    expect(c.ok || c.error.message).toMatch(/invalid regular expression/);
  });

  it('stops nested comprehensions over a huge list at the budget', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => BigInt(i));
    const t0 = performance.now();
    const r = run('l.all(x, l.all(y, l.exists(z, x + y + z < 0) || true))', { l: big });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/budget/);
    expect(performance.now() - t0).toBeLessThan(10_000); // against hangs, not a timing target
  });

  it('stops at the time budget too', () => {
    const big = Array.from({ length: 3000 }, (_, i) => `s${i}`);
    const c = engine.compile('l.all(x, !l.exists(y, x + y == "never"))');
    if (!c.ok) throw new Error(c.error.message);
    const r = c.value.evaluate(
      { l: big },
      { ...DEFAULT_BUDGET, maxCost: Number.MAX_SAFE_INTEGER, timeoutMs: 20 },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/time budget/);
  });

  it('refuses huge list literals at compile time', () => {
    const c = engine.compile(`[${Array.from({ length: 5000 }, (_, i) => i).join(',')}].size() > 0`);
    expect(c.ok).toBe(false);
  });

  it('charges memory inside operators, at the operator that would cross the budget', () => {
    const src = 'cel.bind(a, s + s, cel.bind(b, a + a, cel.bind(c, b + b, size(c) > 0)))';
    const c = engine.compile(src);
    if (!c.ok) throw new Error(c.error.message);
    const budget = { maxCost: Number.MAX_SAFE_INTEGER, maxMemoryBytes: 1_000_000, timeoutMs: 10_000 };
    const r = c.value.evaluate({ s: 'x'.repeat(100_000) }, budget);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('budget_exceeded');
    expect(r.error.message).toMatch(/memory budget of 1 MiB/);
    // s + s allocates 400 KB, a + a 800 KB more: the second crosses 1 MB.
    expect(src.slice(r.error.start, r.error.end)).toBe('a + a');
    // Under the default budget the same expression is a value.
    expect(c.value.evaluate({ s: 'x'.repeat(1000) })).toEqual({ ok: true, value: true });
  });

  it('does not let || or exists swallow a spent budget', () => {
    const big = Array.from({ length: 3000 }, (_, i) => BigInt(i));
    for (const src of [
      'l.all(x, l.all(y, y >= 0)) || true',
      'l.exists(x, l.all(y, y >= 0) && false) || true',
    ]) {
      const r = run(src, { l: big });
      expect(r.ok, src).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/budget/);
    }
  });

  it('shares an account between evaluations and refuses them once it is spent', () => {
    const c = engine.compile('l.all(x, x >= 0)');
    if (!c.ok) throw new Error(c.error.message);
    const account = new BudgetAccount('policy pack p', { maxCost: 100_000, timeoutMs: 60_000 });
    const l = Array.from({ length: 1000 }, (_, i) => BigInt(i));
    const outcomes = Array.from({ length: 40 }, () => c.value.evaluate({ l }, undefined, account));
    const first = outcomes.findIndex((o) => !o.ok);
    expect(first).toBeGreaterThan(0);
    expect(
      outcomes.slice(first).every((o) => !o.ok && /policy pack p exceeded its budget/.test(o.error.message)),
    ).toBe(true);
    expect(account.cost).toBeLessThanOrEqual(100_000);
  });

  it('formats huge and deeply shared values in bounded text', () => {
    let v: unknown = ['x'.repeat(10)];
    for (let i = 0; i < 60; i++) v = [v, v];
    const t0 = performance.now();
    const text = formatCelValue(v);
    expect(performance.now() - t0).toBeLessThan(5_000); // against hangs, not a timing target
    expect(text.length).toBeLessThanOrEqual(501);
    expect(text.endsWith('…')).toBe(true);
    expect(formatCelValue('y'.repeat(10_000)).length).toBe(501);
  });
});
