/**
 * Rule controls from the manifest, applied to every finding of every stage in one place:
 * per-rule severity overrides and `off` (`policies.rules`), and waivers (rule + env + path,
 * with a reason and an expiry). An expired waiver stops waiving and is reported
 * (`waiver/expired`); a waiver that matched nothing is reported (`waiver/unused`).
 */
import { appendPath, escapeRegExp } from '../config/path.js';
import type { Project } from '../config/types.js';
import type { Finding, Severity } from '../diagnostics/finding.js';
import type { RuleRegistry } from '../rules/registry.js';

export interface ControlContext {
  project: Project;
  registry: RuleRegistry;
  /** Environments whose findings are reported. */
  checkedEnvs: ReadonlySet<string>;
  now: Date;
  /**
   * Whether every stage ran on every checked environment. When not (a broken overlay, a
   * broken pack), no waiver is called unused: its finding may simply not have been looked for.
   */
  complete: boolean;
}

type Waiver = NonNullable<Project['manifest']['waivers']>[number];

/** Config paths a waiver's `path` covers: itself, everything under it, `[*]` for any index. */
export function waiverPathMatches(pattern: string, path: string | undefined): boolean {
  if (path === undefined) return false;
  const re = new RegExp(`^${pattern.split('[*]').map(escapeRegExp).join('\\[[^\\]]+\\]')}(?:$|[.[])`);
  return re.test(path);
}

function waiverMatches(w: Waiver, f: Finding): boolean {
  if (f.rule !== w.rule) return false;
  if (w.env !== undefined && f.env !== w.env) return false;
  if (w.path !== undefined && !waiverPathMatches(w.path, f.path)) return false;
  return true;
}

function describe(w: Waiver): string {
  return `waiver of ${w.rule}${w.env ? ` in ${w.env}` : ''}${w.path ? ` at ${w.path}` : ''}`;
}

export function applyRuleControls(findings: Finding[], ctx: ControlContext): Finding[] {
  const manifest = ctx.project.manifest;
  const overrides = manifest.policies?.rules ?? {};
  const out: Finding[] = [];

  // 1. Overrides the manifest cannot make.
  const control: Finding[] = [];
  for (const [id, level] of Object.entries(overrides)) {
    const rule = ctx.registry.get(id);
    const path = appendPath('policies.rules', id);
    if (!rule) {
      const hint = ctx.registry.suggest(id);
      control.push({
        rule: 'policy/override-invalid',
        severity: 'warning',
        message: `no rule "${id}" exists, so this override does nothing${hint ? ` (did you mean "${hint}"?)` : ''}`,
        path,
      });
    } else if (!rule.configurable) {
      control.push({
        rule: 'policy/override-invalid',
        severity: 'warning',
        message: `${id} cannot be set to ${level}: it reports files that cannot be checked at all`,
        path,
      });
    }
  }

  // 2. Waivers: expired ones are reported and waive nothing.
  const today = ctx.now.toISOString().slice(0, 10);
  const waivers = (manifest.waivers ?? []).map((w, i) => ({
    w,
    i,
    expired: w.expires !== undefined && String(w.expires).slice(0, 10) < today,
    used: false,
  }));
  for (const x of waivers) {
    if (!x.expired) continue;
    control.push({
      rule: 'waiver/expired',
      severity: 'error',
      message: `${describe(x.w)} expired on ${String(x.w.expires).slice(0, 10)}; its findings are reported again (renew it with a reason, or fix them)`,
      path: `waivers[${x.i}].expires`,
    });
  }

  // 3. Severity overrides and waivers on every finding (not on waiver findings themselves).
  const adjust = (f: Finding): Finding | undefined => {
    const level = overrides[f.rule];
    const rule = ctx.registry.get(f.rule);
    if (level === undefined || (rule && !rule.configurable)) return f;
    if (level === 'off') return undefined;
    return level === f.severity ? f : { ...f, severity: level as Severity };
  };
  for (const f of findings) {
    const g = adjust(f);
    if (!g) continue;
    const waiver = waivers.find((x) => !x.expired && waiverMatches(x.w, g));
    if (waiver) {
      waiver.used = true;
      continue;
    }
    out.push(g);
  }

  // 4. Waivers that waived nothing, where everything they could match was checked.
  const allEnvs = ctx.project.environments.map((e) => e.name);
  for (const x of waivers) {
    if (x.expired || x.used || !ctx.complete) continue;
    const inScope =
      x.w.env !== undefined ? ctx.checkedEnvs.has(x.w.env) : allEnvs.every((e) => ctx.checkedEnvs.has(e));
    if (!inScope) continue;
    let why = 'matched no finding; remove it, or correct its rule, env or path';
    if (!ctx.registry.has(x.w.rule)) {
      const hint = ctx.registry.suggest(x.w.rule);
      why = `can never match: no rule "${x.w.rule}" exists${hint ? ` (did you mean "${hint}"?)` : ''}`;
    } else if (x.w.env !== undefined && !allEnvs.includes(x.w.env)) {
      why = `can never match: no environment "${x.w.env}"`;
    }
    control.push({
      rule: 'waiver/unused',
      severity: 'warning',
      message: `${describe(x.w)} ${why}`,
      path: `waivers[${x.i}]`,
      fix: { file: ctx.project.manifestFile, target: { path: ['waivers', x.i] }, op: 'remove' },
    });
  }

  for (const f of control) {
    const g = adjust(f);
    if (g) out.push(g);
  }
  return out;
}
