/**
 * Hostile CEL in a policy pack, through the built CLI in a child process: every pack runs
 * within the evaluation budget (docs/policies.md, "Budget"), fails the rule with a
 * positioned `policy/evaluation-error` (or `policy/invalid` when it cannot compile), lets
 * the other rules run, and stays within generous bounds of time and memory.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE, hasStackTrace, REPO, runCli, tempDir } from '../helpers/cli.js';

const RUSAGE = join(REPO, 'test', 'adversarial', 'cel-rusage.mjs');
/**
 * Generous: the pack itself is bounded at 5 s per run; the rest is the CLI's start, which
 * takes 2 s on an idle machine and up to 7 s on 2 cores shared by 8 test workers.
 * Unmetered, the issue's pack alone ran 20 s.
 */
const MAX_MS = 15_000;
const MAX_RSS_KB = 400 * 1024;

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

interface Result {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

interface Rule {
  id: string;
  assert: string;
  forEach?: string;
}

/** A rule of every hostile pack that must still report: the run goes on past a spent rule. */
const STILL_CHECKED: Rule = { id: 'evil/still-checked', assert: 'server.port < 0' };

function packYaml(rules: Rule[]): string {
  const lines = ['apiVersion: exportctl/v1', 'kind: PolicyPack', 'name: evil', 'rules:'];
  for (const r of rules) {
    lines.push(`  - id: ${r.id}`, '    severity: error', '    description: hostile');
    if (r.forEach) lines.push(`    for_each: ${r.forEach}`);
    lines.push(`    assert: ${JSON.stringify(r.assert)}`, '    message: hostile rule fired');
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `check --env dev -f json` on a copy of the example with `rules` as a local pack. */
function checkWith(rules: Rule[]) {
  const t = tempDir('exportctl-cel-adv-');
  cleanups.push(t.cleanup);
  cpSync(EXAMPLE, t.dir, { recursive: true, filter: (src) => !/\/(exports|data)$/.test(src) });
  // The built-in packs off: what is measured is the hostile pack (and the CLI's start).
  const manifest = join(t.dir, 'exportctl.yaml');
  const text = readFileSync(manifest, 'utf8');
  expect(text).toContain('builtin: true');
  writeFileSync(manifest, text.replace('builtin: true', 'builtin: false'));
  const pack = join(t.dir, 'policies', 'evil.yaml');
  writeFileSync(pack, packYaml([...rules, STILL_CHECKED]));
  const run = runCli(['check', '--env', 'dev', '-f', 'json'], {
    cwd: t.dir,
    env: { NODE_OPTIONS: `--import=${RUSAGE}` },
  });
  const m = /\nRUSAGE (\{.*\})\n/.exec(run.stderr);
  expect(m, `no resource usage in stderr: ${run.stderr.slice(0, 2000)}`).not.toBeNull();
  const { maxRssKb } = JSON.parse((m as RegExpExecArray)[1]) as { maxRssKb: number };
  const stderr = run.stderr.replace(m?.[0] ?? '', '');
  let results: Result[] = [];
  try {
    results = (JSON.parse(run.stdout) as { results: Result[] }).results;
  } catch {
    throw new Error(
      `not a JSON report (exit ${run.code}): ${run.stdout.slice(0, 500)} ${stderr.slice(0, 2000)}`,
    );
  }
  return { ...run, stderr, maxRssKb, results, packText: readFileSync(pack, 'utf8') };
}

type Run = ReturnType<typeof checkWith>;

function expectBounded(r: Run): void {
  console.log(`check took ${Math.round(r.ms)} ms, peak RSS ${Math.round(r.maxRssKb / 1024)} MB`);
  expect(hasStackTrace(r.stdout + r.stderr), r.stderr).toBe(false);
  expect(r.ms).toBeLessThan(MAX_MS);
  expect(r.maxRssKb).toBeLessThan(MAX_RSS_KB);
}

/** The evaluation-error finding of rule `id`, positioned inside its assert expression. */
function expectBudgetFinding(
  r: Run,
  id: string,
  why: RegExp = /exceeded its (cost|memory|time) budget/,
): void {
  expect(r.code, r.stdout).toBe(1);
  const f = r.results.find((x) => x.rule === 'policy/evaluation-error' && x.message.includes(`rule ${id} `));
  expect(f, JSON.stringify(r.results, null, 1)).toBeDefined();
  const finding = f as Result;
  expect(finding.message).toMatch(why);
  expect(finding.file).toMatch(/policies\/evil\.yaml$/);
  // On the rule's assert line, inside the expression (not at the rule's id).
  const lines = r.packText.split('\n');
  const assertLine =
    lines.findIndex((l, i) => l.startsWith('    assert: ') && lines[i - 3]?.endsWith(` ${id}`)) + 1;
  expect(finding.line).toBe(assertLine);
  expect(finding.column).toBeGreaterThan('    assert: '.length);
  // The other rules still ran.
  expect(r.results.some((x) => x.rule === STILL_CHECKED.id)).toBe(true);
}

/** `cel.bind(s1, s0 + s0, cel.bind(s2, s1 + s1, … body))`: `times` doublings of `seed`. */
function doubled(seed: string, times: number, body: (last: string) => string): string {
  let open = `cel.bind(s0, ${seed}, `;
  for (let i = 1; i <= times; i++) open += `cel.bind(s${i}, s${i - 1} + s${i - 1}, `;
  return `${open}${body(`s${times}`)}${')'.repeat(times + 1)}`;
}

describe('hostile CEL in a policy pack', () => {
  it('stops the issue’s pack: a string doubled 22 times, then a dozen matches', () => {
    const body = (s: string) =>
      Array.from({ length: 12 }, (_, k) => `!${s}.matches("(x+x+)+y${k}")`).join(' && ');
    const assert = doubled('"abcdefghij"', 22, body);
    expect(Buffer.byteLength(packYaml([{ id: 'evil/doubling', assert }]))).toBeLessThan(1500);
    const r = checkWith([{ id: 'evil/doubling', assert }]);
    expectBudgetFinding(r, 'evil/doubling');
    expectBounded(r);
  });

  it('stops a list doubled until it cannot be held', () => {
    const r = checkWith([
      { id: 'evil/list', assert: doubled('[1, 2, 3, 4, 5, 6, 7, 8]', 30, (l) => `size(${l}) > 0`) },
    ]);
    expectBudgetFinding(r, 'evil/list');
    expectBounded(r);
  });

  it('stops nested comprehensions (a billion steps)', () => {
    const lit = `[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`;
    const r = checkWith([
      { id: 'evil/loops', assert: `cel.bind(l, ${lit}, l.all(x, l.all(y, l.all(z, x + y + z >= 0))))` },
    ]);
    expectBudgetFinding(r, 'evil/loops');
    expectBounded(r);
  });

  it('stops map() building lists of lists', () => {
    const lit = `[${Array.from({ length: 500 }, (_, i) => i).join(', ')}]`;
    const r = checkWith([
      { id: 'evil/map', assert: `cel.bind(l, ${lit}, l.map(x, l.map(y, l.map(z, [x, y, z]))).size() > 0)` },
    ]);
    expectBudgetFinding(r, 'evil/map');
    expectBounded(r);
  });

  it('stops a long chain of + on a big string', () => {
    const chain = (s: string) => `size(${Array.from({ length: 400 }, () => s).join(' + ')}) > 0`;
    const r = checkWith([{ id: 'evil/concat', assert: doubled('"0123456789abcdef"', 15, chain) }]);
    expectBudgetFinding(r, 'evil/concat');
    expectBounded(r);
  });

  it('stops matches on a big input with a big RE2 program before it runs', () => {
    // ~8 µs a character unmetered: this would take ~8 s.
    const r = checkWith([
      {
        id: 'evil/regex',
        assert: doubled('"abcdefghij"', 16, (s) => `${s}.matches("^(?:[a-z][a-z]?){1,1000}$")`),
      },
    ]);
    expectBudgetFinding(r, 'evil/regex');
    expectBounded(r);
  });

  it('stops split, join and contains on big strings', () => {
    const r = checkWith([
      {
        id: 'evil/strings',
        assert: doubled('"a,b,c,d,"', 18, (s) =>
          Array.from({ length: 20 }, () => `${s}.split(",").join(";").contains("zz")`).join(' || '),
        ),
      },
    ]);
    expectBudgetFinding(r, 'evil/strings');
    expectBounded(r);
  });

  it('does not let || or exists swallow a spent budget', () => {
    const lit = `[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`;
    const r = checkWith([
      { id: 'evil/swallow', assert: `cel.bind(l, ${lit}, l.exists(x, l.all(y, l.all(z, z >= 0))) || true)` },
    ]);
    expectBudgetFinding(r, 'evil/swallow');
    expectBounded(r);
  });

  it('stops comparing and printing values that share parts (exponential as trees)', () => {
    // 4^14 leaves as a tree, 15 small lists in memory.
    let expr = '[1, 2]';
    for (let i = 0; i < 14; i++) expr = `cel.bind(v${i}, ${expr}, [v${i}, v${i}, v${i}, v${i}])`;
    const r = checkWith([{ id: 'evil/shared', assert: `${expr} == ${expr}` }]);
    expectBudgetFinding(r, 'evil/shared');
    expectBounded(r);
  });

  it("stops a pack whose rules each stay under the evaluation budget but not under the pack's", () => {
    const lit = `[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`;
    // Each rule: ~8M units (comparing a 1M-element list with itself), well under 10M.
    const cheapTwin = `cel.bind(l, ${lit}, cel.bind(m, l.map(x, l), m == m && m == m && m == m && m != [] && false))`;
    const rules = Array.from({ length: 32 }, (_, i) => ({ id: `evil/pack-${i}`, assert: cheapTwin }));
    const r = checkWith(rules);
    expect(r.code).toBe(1);
    const spent = r.results.filter((x) =>
      /policy pack evil exceeded its budget for this run/.test(x.message),
    );
    expect(spent.length).toBeGreaterThan(0);
    // Rules before the pack ran out were evaluated (and fired).
    expect(r.results.some((x) => x.rule === 'evil/pack-0')).toBe(true);
    // Each heavy rule after that is refused at once; a cheap one still fits in what is left.
    expect(spent.length).toBeGreaterThanOrEqual(3);
    expect(r.results.some((x) => x.rule === STILL_CHECKED.id)).toBe(true);
    expectBounded(r);
  });

  describe('at compile time', () => {
    const invalid = (assert: string, why: RegExp) => {
      const r = checkWith([{ id: 'evil/compile', assert }]);
      expect(r.code, r.stdout).toBe(2);
      const f = r.results.find((x) => x.rule === 'policy/invalid');
      expect(f, JSON.stringify(r.results)).toBeDefined();
      expect((f as Result).message).toMatch(why);
      expect((f as Result).file).toMatch(/policies\/evil\.yaml$/);
      expectBounded(r);
    };

    it('refuses deep nesting of parentheses, negations and calls', () => {
      invalid(`${'('.repeat(5000)}true${')'.repeat(5000)}`, /maxDepth/);
      invalid(`${'!'.repeat(5000)}true`, /maxDepth|maxAstNodes/);
      invalid(`${'size('.repeat(3000)}"x"${')'.repeat(3000)} > 0`, /maxDepth|maxAstNodes/);
    });

    it('refuses huge expressions and literals', () => {
      invalid(`${Array.from({ length: 5000 }, () => '1').join(' + ')} > 0`, /maxAstNodes/);
      invalid(
        `size([${Array.from({ length: 5000 }, (_, i) => i).join(', ')}]) > 0`,
        /maxListElements|maxAstNodes/,
      );
      invalid(
        `size({${Array.from({ length: 1500 }, (_, i) => `"k${i}": 1`).join(', ')}}) > 0`,
        /maxMapEntries|maxAstNodes/,
      );
    });

    it('refuses regular expressions RE2 cannot run or bound', () => {
      invalid('server.host.matches("(a)\\\\1")', /invalid regular expression/);
      invalid('server.host.matches("((a{100}){100}){100}")', /invalid regular expression/);
    });
  });

  it('runs a big string literal within the budget (a value, not a finding)', () => {
    const big = 'x'.repeat(200_000);
    const r = checkWith([{ id: 'evil/literal', assert: `size("${big}" + "${big}") == 0` }]);
    expect(r.code).toBe(1);
    expect(r.results.some((x) => x.rule === 'evil/literal')).toBe(true);
    expect(r.results.some((x) => x.rule === 'policy/evaluation-error')).toBe(false);
    expectBounded(r);
  });
});
