/**
 * `exportctl deps` output: per environment, the resolved constraints of every package, the
 * conflicts, and the requirement graph — as text, JSON, Graphviz DOT or Mermaid. Conflicting
 * edges are marked in every format (red and bold in the graphs). Pure: data in, text out.
 */
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import { relativeFile } from '../report/report.js';
import type { DepConstraint, DepEdge, DepPackage, EnvDependencies } from './model.js';
import { palette } from '../report/ansi.js';

export const DEPS_FORMATS = ['text', 'json', 'dot', 'mermaid'] as const;
export type DepsFormat = (typeof DEPS_FORMATS)[number];

export interface DepsView {
  /** Analyses of the environments shown, in manifest order. */
  envs: EnvDependencies[];
  /** Environments shown that declare no dependencies. */
  without: string[];
  /** Problems found in the `dependencies` sections that are not the deps stage's (schema). */
  extraFindings: Finding[];
  cwd: string;
  color: boolean;
}

export function renderDeps(format: DepsFormat, view: DepsView): string {
  switch (format) {
    case 'json':
      return renderJson(view);
    case 'dot':
      return renderDot(view);
    case 'mermaid':
      return renderMermaid(view);
    default:
      return renderText(view);
  }
}

function at(cwd: string, l: SourceRange | undefined): string {
  return l ? `${relativeFile(cwd, l.file)}:${l.line}` : '';
}

function findingsOf(view: DepsView, env: string): Finding[] {
  const own = view.envs.find((e) => e.env === env)?.findings ?? [];
  return [...own, ...view.extraFindings.filter((f) => f.env === env || f.env === undefined)];
}

function nameOf(e: EnvDependencies, key: string | null): string {
  if (key === null) return e.env;
  return e.packages.find((p) => p.key === key)?.name ?? key;
}

function constraintSource(
  cwd: string,
  e: EnvDependencies,
  c: DepConstraint,
): { from: string | null; at: string } {
  if (c.origin.kind === 'requirement') return { from: null, at: at(cwd, c.origin.requirement.location) };
  return { from: nameOf(e, c.origin.fromKey), at: at(cwd, c.origin.location) };
}

function versionOf(p: DepPackage): string {
  if (p.pin !== undefined) return p.pin;
  if (!p.satisfiable) return 'none';
  if (p.constraints.length === 0) return 'any';
  return p.example !== undefined ? `e.g. ${p.example}` : 'any';
}

// ---------------------------------------------------------------- text

function renderText(view: DepsView): string {
  const { red, gray, bold } = palette(view.color);
  const out: string[] = [];
  for (const e of view.envs) {
    const findings = findingsOf(view, e.env);
    const errors = findings.filter((f) => f.severity === 'error').length;
    out.push(
      bold(`${e.env} (${e.ecosystem}${e.protected ? ', protected' : ''})`) +
        `  ${e.packages.length} package${e.packages.length === 1 ? '' : 's'}, ${errors === 0 ? 'no conflicts' : red(`${errors} problem${errors === 1 ? '' : 's'}`)}`,
    );
    const width = Math.max(8, ...e.packages.map((p) => p.name.length));
    const rangeWidth = Math.min(
      32,
      Math.max(
        8,
        ...e.packages.flatMap((p) => p.constraints.map((c) => (c.spec.text || '*').length)),
        ...e.packages.flatMap((p) => p.requirements.filter((r) => !r.spec).map((r) => r.text.length)),
      ),
    );
    out.push(gray(`  ${'package'.padEnd(width)}  ${'version'.padEnd(16)}  constraints`));
    for (const p of e.packages) {
      const mark = p.conflicts.length > 0 ? red(` ✖ ${p.conflicts.join(', ')}`) : '';
      const lines: string[] = [];
      for (const c of p.constraints) {
        const s = constraintSource(view.cwd, e, c);
        const marker = c.origin.kind === 'requirement' && c.origin.requirement.marker;
        const by = s.from === null ? `requirement${marker ? ` if ${marker}` : ''}` : `by ${s.from}`;
        lines.push(`${(c.spec.text || '*').padEnd(rangeWidth)}  ${gray(`${by}, ${s.at}`)}`);
      }
      for (const r of p.requirements.filter((x) => !x.spec)) {
        lines.push(`${r.text.padEnd(rangeWidth)}  ${gray(`requirement, ${at(view.cwd, r.location)}`)}`);
      }
      const version = versionOf(p);
      const ver = version === 'none' ? red(version.padEnd(16)) : version.padEnd(16);
      out.push(`  ${p.name.padEnd(width)}  ${ver}  ${lines[0] ?? ''}${mark}`);
      for (const l of lines.slice(1)) out.push(`  ${' '.repeat(width)}  ${' '.repeat(16)}  ${l}`);
    }
    if (findings.length > 0) {
      out.push('  conflicts:');
      for (const f of findings) {
        const pos = f.location
          ? `${relativeFile(view.cwd, f.location.file)}:${f.location.line}:${f.location.column}`
          : '';
        out.push(`    ${pos}  ${red(f.severity)}  ${f.message}  ${gray(f.rule)}`);
      }
    }
    const graph = e.edges.filter((g) => g.from !== null);
    if (graph.length > 0) {
      out.push('  requirement graph:');
      for (const g of graph) {
        const mark = g.conflict ? red(`  ✖ ${g.conflict}`) : '';
        out.push(
          `    ${nameOf(e, g.from)} → ${nameOf(e, g.to)} ${g.range || '*'}  ${gray(at(view.cwd, g.location))}${mark}`,
        );
      }
    }
    out.push('');
  }
  for (const env of view.without) out.push(`${bold(env)}  no dependencies declared`, '');
  return `${out.join('\n')}`;
}

// ---------------------------------------------------------------- json

function locationJson(cwd: string, l: SourceRange | undefined): { file: string | null; line: number | null } {
  return l ? { file: relativeFile(cwd, l.file), line: l.line } : { file: null, line: null };
}

function renderJson(view: DepsView): string {
  const environments = view.envs.map((e) => ({
    env: e.env,
    protected: e.protected,
    ecosystem: e.ecosystem,
    files: e.files.map((f) => relativeFile(view.cwd, f)),
    packages: e.packages.map((p) => ({
      name: p.name,
      pin: p.pin ?? null,
      satisfiable: p.satisfiable,
      example: p.example ?? null,
      conflicts: p.conflicts,
      requirements: p.requirements.map((r) => ({
        specifier: r.text,
        kind: r.kind,
        pinned: r.pinned,
        source: r.source,
        marker: r.marker ?? null,
        ...locationJson(view.cwd, r.location),
      })),
      constraints: p.constraints.map((c) => {
        const o = c.origin;
        const loc = o.kind === 'requirement' ? o.requirement.location : o.location;
        return {
          range: c.spec.text,
          from: o.kind === 'requirement' ? null : nameOf(e, o.fromKey),
          via: o.kind,
          ...locationJson(view.cwd, loc),
        };
      }),
    })),
    edges: e.edges.map((g) => ({
      from: g.from === null ? null : nameOf(e, g.from),
      to: nameOf(e, g.to),
      range: g.range,
      via: g.via,
      conflict: g.conflict ?? null,
      ...locationJson(view.cwd, g.location),
    })),
    conflicts: findingsOf(view, e.env).map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      path: f.path ?? null,
      ...locationJson(view.cwd, f.location),
      column: f.location?.column ?? null,
    })),
  }));
  return `${JSON.stringify({ version: 1, environments, without: view.without }, null, 2)}\n`;
}

// ---------------------------------------------------------------- graphs

interface GraphNode {
  id: string;
  label: string;
  root: boolean;
  conflict: boolean;
}

function graphOf(
  e: EnvDependencies,
  idPrefix: string,
): { nodes: GraphNode[]; edges: (DepEdge & { a: string; b: string })[] } {
  const ids = new Map<string | null, string>();
  const nodes: GraphNode[] = [];
  ids.set(null, `${idPrefix}root`);
  nodes.push({ id: `${idPrefix}root`, label: e.env, root: true, conflict: false });
  e.packages.forEach((p, i) => {
    const id = `${idPrefix}n${i}`;
    ids.set(p.key, id);
    const v = versionOf(p);
    nodes.push({ id, label: `${p.name}\n${v}`, root: false, conflict: p.conflicts.length > 0 });
  });
  const edges = e.edges
    .filter((g) => ids.has(g.to))
    .map((g) => ({ ...g, a: ids.get(g.from) ?? `${idPrefix}root`, b: ids.get(g.to)! }));
  return { nodes, edges };
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function renderDot(view: DepsView): string {
  const out = [
    'digraph dependencies {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  view.envs.forEach((e, i) => {
    const { nodes, edges } = graphOf(e, `e${i}_`);
    out.push(`  subgraph ${dotString(`cluster_${e.env}`)} {`);
    out.push(`    label=${dotString(`${e.env} (${e.ecosystem}${e.protected ? ', protected' : ''})`)};`);
    for (const n of nodes) {
      const attrs = [`label=${dotString(n.label)}`];
      if (n.root) attrs.push('shape=ellipse', 'style=filled', 'fillcolor="#eeeeee"');
      if (n.conflict) attrs.push('color="#cc0000"', 'fontcolor="#cc0000"', 'penwidth=2');
      out.push(`    ${n.id} [${attrs.join(', ')}];`);
    }
    for (const g of edges) {
      const attrs = [`label=${dotString(g.range || '*')}`];
      if (g.via !== 'requirement') attrs.push('style=dashed');
      if (g.conflict) {
        attrs.push(
          'color="#cc0000"',
          'fontcolor="#cc0000"',
          'penwidth=2.5',
          `tooltip=${dotString(g.conflict)}`,
        );
        attrs.push(`xlabel=${dotString(`✖ ${g.conflict}`)}`);
      }
      out.push(`    ${g.a} -> ${g.b} [${attrs.join(', ')}];`);
    }
    out.push('  }');
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}

function mermaidText(s: string): string {
  return s
    .replace(/&/g, '#38;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/\n/g, '<br/>');
}

function renderMermaid(view: DepsView): string {
  const out = ['flowchart LR'];
  const linkStyles: number[] = [];
  const conflictNodes: string[] = [];
  let link = 0;
  view.envs.forEach((e, i) => {
    const { nodes, edges } = graphOf(e, `e${i}_`);
    out.push(
      `  subgraph e${i}["${mermaidText(`${e.env} (${e.ecosystem}${e.protected ? ', protected' : ''})`)}"]`,
    );
    for (const n of nodes) {
      out.push(
        n.root ? `    ${n.id}(["${mermaidText(n.label)}"])` : `    ${n.id}["${mermaidText(n.label)}"]`,
      );
      if (n.conflict) conflictNodes.push(n.id);
    }
    for (const g of edges) {
      const label = mermaidText(g.conflict ? `${g.range || '*'} ✖ ${g.conflict}` : g.range || '*');
      out.push(`    ${g.a} ${g.via === 'requirement' ? '-->' : '-.->'}|"${label}"| ${g.b}`);
      if (g.conflict) linkStyles.push(link);
      link++;
    }
    out.push('  end');
  });
  if (conflictNodes.length > 0) {
    out.push('  classDef conflict stroke:#cc0000,stroke-width:3px,color:#cc0000');
    out.push(`  class ${conflictNodes.join(',')} conflict`);
  }
  if (linkStyles.length > 0) out.push(`  linkStyle ${linkStyles.join(',')} stroke:#cc0000,stroke-width:3px`);
  return `${out.join('\n')}\n`;
}
