/**
 * The direction of imports between the top-level folders of src/. Dependencies point down the
 * pipeline: the layer table below says which folder sits above which, every import (type-only
 * imports, re-exports and `import()` included) must go to a strictly lower layer, and no two
 * folders may import each other, directly or around a loop. A new top-level folder fails here
 * until it is given its place in the table.
 *
 * Imports are read with TypeScript's own scanner (`ts.preProcessFile`), which sees
 * `import type`, `export … from` and `import()` but not comments or strings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const SRC = join(REPO, 'src');

/**
 * Layers from the bottom up. A folder may import only folders of lower layers; folders of one
 * layer know nothing of each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['diagnostics', 'package-root'], // the Finding type, usage errors; where the package's files are
  ['rules'], // the rule model (one meta shape) and the rule registry
  ['config'], // documents, values, provenance, paths, secrets; the loader's rules
  ['schema', 'report', 'fix'], // JSON Schema validation; report formats over findings; fixes applied to files
  ['project'], // a project's manifest loaded and validated
  ['drift', 'deps'], // check stages over composed configs
  ['terraform'], // synth: configs to stacks (matches drift.allow as drift does)
  ['plan'], // Terraform plans against the stacks
  ['policy'], // CEL and native rules, rule controls, the built-in rule catalogue
  ['check'], // load, compose, validate, run the stages, apply controls
  ['synth', 'exporter', 'init'], // check-then-synth; the exporter; project scaffolding
  ['service'], // the HTTP service over the exporter
  ['cli'], // the commands
  ['index'], // the library entry point
];

const LAYER = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** `src/policy/x.ts` → `policy`; a file at the top of src (`package-root.ts`) is its own unit. */
function unitOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? parts[0].replace(/\.ts$/, '') : parts[0];
}

/** Every import specifier of a file: static, type-only, re-exports and `import()`. */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** File-level imports inside src/ (resolved .js → .ts) and the bare package names. */
function scan(): { edges: Edge[]; packages: Map<string, string[]>; unresolved: string[] } {
  const edges: Edge[] = [];
  const packages = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const pkgs: string[] = [];
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) {
        pkgs.push(spec);
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      try {
        statSync(target);
        edges.push({ from: file, to: target });
      } catch {
        unresolved.push(`${relative(REPO, file)}: ${spec}`);
      }
    }
    packages.set(file, pkgs);
  }
  return { edges, packages, unresolved };
}

/** Strongly connected components of more than one node (Tarjan). */
function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const { edges, packages, unresolved } = scan();
const rel = (f: string) => relative(SRC, f).split(sep).join('/');

function folderGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = unitOf(e.from);
    const b = unitOf(e.to);
    if (!g.has(a)) g.set(a, new Set());
    if (a !== b) g.get(a)!.add(b);
  }
  return g;
}

/** The relative imports of a file that load code at run time: not `import type`/`export type`. */
function runtimeImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  const typeOnly = (c: ts.ImportClause | undefined): boolean =>
    c !== undefined &&
    (c.isTypeOnly ||
      (c.name === undefined &&
        c.namedBindings !== undefined &&
        ts.isNamedImports(c.namedBindings) &&
        c.namedBindings.elements.length > 0 &&
        c.namedBindings.elements.every((e) => e.isTypeOnly)));
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && !typeOnly(n.importClause))
      specs.push(n.moduleSpecifier.text);
    else if (
      ts.isExportDeclaration(n) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier) &&
      !n.isTypeOnly
    )
      specs.push(n.moduleSpecifier.text);
    else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] !== undefined &&
      ts.isStringLiteral(n.arguments[0])
    )
      specs.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every file a file imports, transitively (relative imports only; `runtime`: not type-only ones). */
function closure(entry: string, runtime = false): Set<string> {
  const seen = new Set<string>([entry]);
  const todo = [entry];
  const out = new Map<string, string[]>();
  if (runtime) for (const f of sourceFiles(SRC)) out.set(f, runtimeImports(f));
  else for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  while (todo.length > 0) {
    for (const t of out.get(todo.pop()!) ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        todo.push(t);
      }
    }
  }
  return seen;
}

describe('imports between the folders of src/', () => {
  it('the scanner sees type-only imports, re-exports and import(), and every relative import resolves', () => {
    expect(unresolved).toEqual([]);
    // check/stage.ts has only `import type` lines: a scanner blind to them finds nothing here.
    const stage = join(SRC, 'check', 'stage.ts');
    expect(readFileSync(stage, 'utf8')).toMatch(/^import type .* from '\.\.\/config\/types\.js';$/m);
    expect(edges.some((e) => e.from === stage && rel(e.to) === 'config/types.ts')).toBe(true);
    // cli/main.ts loads commands lazily through import().
    expect(specifiers(join(SRC, 'cli', 'commands', 'check.ts')).some((s) => s.includes('run-check'))).toBe(
      true,
    );
    expect(edges.length).toBeGreaterThan(300);
  });

  it('the cycle finder finds a loop through three folders and none in a chain', () => {
    const g = (pairs: string[][]) => {
      const m = new Map<string, Set<string>>();
      for (const [a, b] of pairs) m.set(a, new Set([...(m.get(a) ?? []), b]));
      return m;
    };
    expect(
      cyclesOf(
        g([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
          ['c', 'd'],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      cyclesOf(
        g([
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'c'],
        ]),
      ),
    ).toEqual([]);
  });

  it('every top-level folder of src/ has a place in the layer table', () => {
    const units = new Set(sourceFiles(SRC).map(unitOf));
    const missing = [...units].filter((u) => !LAYER.has(u));
    expect(missing, 'add these to LAYERS in test/architecture/imports.test.ts').toEqual([]);
  });

  it('no import cycle between top-level folders', () => {
    expect(cyclesOf(folderGraph())).toEqual([]);
  });

  it('every import goes down the layer table', () => {
    const wrong = edges
      .filter((e) => unitOf(e.from) !== unitOf(e.to))
      .filter((e) => !((LAYER.get(unitOf(e.to)) ?? Infinity) < (LAYER.get(unitOf(e.from)) ?? -Infinity)))
      .map((e) => `${rel(e.from)} → ${rel(e.to)}`);
    expect(wrong).toEqual([]);
  });

  it('the rule model imports nothing but diagnostics: every stage can declare rules into it', () => {
    const deps = edges.filter((e) => unitOf(e.from) === 'rules').map((e) => rel(e.to));
    expect(deps.length).toBeGreaterThan(0);
    expect(deps.filter((d) => !d.startsWith('rules/') && !d.startsWith('diagnostics/'))).toEqual([]);
    // No stage imports the policy engine (or check) to declare or run its rules.
    for (const stage of ['config', 'schema', 'project', 'drift', 'deps', 'terraform', 'plan']) {
      const up = edges
        .filter((e) => unitOf(e.from) === stage && ['policy', 'check'].includes(unitOf(e.to)))
        .map((e) => `${rel(e.from)} → ${rel(e.to)}`);
      expect(up, stage).toEqual([]);
    }
  });

  it("check's import closure holds no pg, cdktf or exporter code", () => {
    // The pipeline (every import, types too), and the command around it, which also pulls the
    // baseline and git code (what it loads at run time: exit-codes.ts names the exporter's types).
    for (const [entry, allowed, runtime] of [
      [join(SRC, 'check', 'check-project.ts'), [], false],
      [join(SRC, 'cli', 'run-check.ts'), ['cli'], true],
    ] as const) {
      const files = closure(entry, runtime);
      expect(files.size, rel(entry)).toBeGreaterThan(30); // the walk follows imports
      const heavy = /^(pg|pg-.*|cdktf|@cdktf\/.*|constructs|better-sqlite3|ioredis|bullmq)$/;
      const found = [...files].flatMap((f) =>
        (packages.get(f) ?? []).filter((p) => heavy.test(p)).map((p) => `${rel(f)}: ${p}`),
      );
      expect(found, rel(entry)).toEqual([]);
      const units = new Set([...files].map(unitOf));
      for (const u of ['exporter', 'service', 'synth', 'cli'].filter(
        (u) => !(allowed as readonly string[]).includes(u),
      ))
        expect(units.has(u), `${rel(entry)}: ${u}`).toBe(false);
    }
  });
});
