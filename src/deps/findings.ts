/** How `deps/*` findings are worded and where they point. */
import { relativeFile } from '../report/report.js';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import type { DepConstraint, DepPackage, DepRequirement, DepsContext, DepsRuleId } from './model.js';

/** A `deps/syntax` finding at `path` of the environment's config. */
export function syntaxFinding(
  ctx: DepsContext,
  path: string,
  message: string,
  location = ctx.config.provenance.locate(path),
): Finding {
  return {
    rule: 'deps/syntax',
    severity: 'error',
    message,
    path,
    env: ctx.env,
    location,
  };
}

export function where(ctx: DepsContext, location: SourceRange | undefined): string {
  return location ? `${relativeFile(ctx.root, location.file)}:${location.line}` : 'unknown location';
}

export function quote(s: string): string {
  return s === '' ? 'any version' : `"${s}"`;
}

export function unpinned(ctx: DepsContext, r: DepRequirement): Finding {
  const what =
    r.kind === 'editable'
      ? `${r.name} ${r.text} is a checkout that moves, not a pinned version`
      : r.kind === 'reference'
        ? `${r.name} "${r.text}" is a tag or reference, not a version`
        : `${r.name} ${quote(r.text)} is not an exact pin`;
  return finding(
    ctx,
    'deps/unpinned',
    `${what}; protected environment ${ctx.env} needs exact pins (${ctx.eco.pinExample})`,
    r,
  );
}

export function finding(
  ctx: DepsContext,
  rule: DepsRuleId,
  message: string,
  at: DepRequirement | SourceRange,
  path?: string,
): Finding {
  if ('key' in at) {
    return { rule, severity: 'error', message, path: at.path, env: ctx.env, location: at.location };
  }
  return { rule, severity: 'error', message, ...(path ? { path } : {}), env: ctx.env, location: at };
}

export function describePackage(ctx: DepsContext, pkg: DepPackage | undefined, fallback: string): string {
  if (!pkg) return fallback;
  if (pkg.pin !== undefined)
    return ctx.eco.name === 'pypi' ? `${pkg.name} ==${pkg.pin}` : `${pkg.name} ${pkg.pin}`;
  const specs = [...new Set(pkg.constraints.map((c) => c.spec.text).filter((t) => t !== ''))];
  return specs.length > 0 ? `${pkg.name} ${specs.join(' ')}` : pkg.name;
}

export function describeOrigin(
  ctx: DepsContext,
  c: DepConstraint,
  packages: Map<string, DepPackage>,
): string {
  const o = c.origin;
  if (o.kind === 'requirement') return `requirement in ${where(ctx, o.requirement.location)}`;
  return `required by ${describePackage(ctx, packages.get(o.fromKey), o.from)} per ${where(ctx, o.location)}`;
}

export function listAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
