/** Sides of a comparison built from effective configs (the declared side of each environment). */
import { isPlainObject } from '../config/compose.js';
import { formatPath } from '../config/path.js';
import type { EffectiveConfig } from '../config/types.js';
import type { SourceRange } from '../diagnostics/finding.js';
import { type DriftKey, isNamedItemList, resolveDriftKey } from './keys.js';
import type { DriftSide } from './model.js';

/**
 * An environment's effective config as a side. A present value is located where it was set
 * (the overlay line, else the base line); an absent one at the overlay line that deleted or
 * replaced it, if the overlay did.
 */
export function declaredSide(config: EffectiveConfig): DriftSide {
  return {
    id: config.env,
    env: config.env,
    kind: 'declared',
    protected: config.protected,
    values: config.values,
    locate(key: DriftKey, path: string | undefined, preferKey: boolean): SourceRange | undefined {
      if (path !== undefined) {
        const o = config.provenance.origin(path);
        if (o) return preferKey ? (o.key ?? o.value) : o.value;
        return config.provenance.locate(path);
      }
      const overlay = config.overlay;
      if (!overlay) return undefined;
      const r = resolveDriftKey(overlay.value, key);
      // The overlay is silent unless it holds a value where a map or named list would lead on.
      if (r.path.length === 0 || isPlainObject(r.node) || (!r.found && isNamedItemList(r.node)))
        return undefined;
      const o = overlay.provenance.origin(formatPath(r.path));
      return o ? (o.key ?? o.value) : undefined;
    },
  };
}

export function declaredSides(configs: readonly EffectiveConfig[]): DriftSide[] {
  return configs.map(declaredSide);
}
