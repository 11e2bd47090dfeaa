/** The deny list (`dependencies.deny`): versions no requirement may admit. */
import { isPlainObject } from '../config/compose.js';
import type { SourceRange } from '../diagnostics/finding.js';
import type { Specifier } from './ecosystems/index.js';
import { syntaxFinding } from './findings.js';
import type { DepsContext, EnvDependencies } from './model.js';

export interface DenyEntry {
  key: string;
  package: string;
  spec: Specifier;
  reason?: string;
  path: string;
  location?: SourceRange;
}

/** The usable entries; one whose versions cannot be parsed is a `deps/syntax` finding in `out`. */
export function denyList(ctx: DepsContext, deps: Record<string, unknown>, out: EnvDependencies): DenyEntry[] {
  const { eco, config } = ctx;
  const locate = (path: string) => config.provenance.locate(path);
  const denies: DenyEntry[] = [];
  if (Array.isArray(deps.deny)) {
    deps.deny.forEach((d, i) => {
      if (!isPlainObject(d) || typeof d.package !== 'string' || typeof d.versions !== 'string') return;
      const path = `dependencies.deny[${i}].versions`;
      const parsed = eco.parseSpecifier(d.versions);
      if (!parsed.ok || parsed.spec.kind !== 'range') {
        out.findings.push(
          syntaxFinding(
            ctx,
            path,
            `deny ${d.package}: ${parsed.ok ? `"${d.versions}" names no versions` : parsed.message}`,
          ),
        );
        return;
      }
      denies.push({
        key: eco.normalizeName(d.package),
        package: d.package,
        spec: parsed.spec,
        reason: typeof d.reason === 'string' ? d.reason : undefined,
        path,
        location: locate(`dependencies.deny[${i}]`),
      });
    });
  }
  return denies;
}
