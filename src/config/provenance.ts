import type { SourceRange } from '../diagnostics/finding.js';
import { type ConfigPath, formatPath, isAtOrUnder, parsePath } from './path.js';

/** Where one config value came from: the value's node and, for map entries, its key. */
export interface NodeOrigin {
  value: SourceRange;
  key?: SourceRange;
}

/**
 * Maps every config path of a document (or of a composed effective config) to the
 * source node that set it. Paths are formatted with `formatPath`.
 */
export class Provenance {
  readonly #origins: Map<string, NodeOrigin>;

  constructor(origins: Map<string, NodeOrigin> = new Map()) {
    this.#origins = origins;
  }

  set(path: ConfigPath | string, origin: NodeOrigin): void {
    this.#origins.set(typeof path === 'string' ? path : formatPath(path), origin);
  }

  origin(path: ConfigPath | string): NodeOrigin | undefined {
    return this.#origins.get(typeof path === 'string' ? path : formatPath(path));
  }

  /**
   * The best source range for a path: the node itself, else its nearest ancestor that
   * exists (a missing key points at the map that should hold it).
   */
  locate(path: ConfigPath | string, prefer: 'value' | 'key' = 'value'): SourceRange | undefined {
    const segs = typeof path === 'string' ? parsePath(path) : [...path];
    for (let n = segs.length; n >= 0; n--) {
      const o = this.#origins.get(formatPath(segs.slice(0, n)));
      if (o) return prefer === 'key' && n === segs.length ? (o.key ?? o.value) : o.value;
    }
    return undefined;
  }

  entries(): IterableIterator<[string, NodeOrigin]> {
    return this.#origins.entries();
  }

  /** Copies every origin at or under `fromPrefix` of another provenance to `toPrefix` here. */
  copySubtree(from: Provenance, fromPrefix: string, toPrefix: string): void {
    for (const [p, o] of from.#origins) {
      if (!isAtOrUnder(p, fromPrefix)) continue;
      const rest = p.slice(fromPrefix.length);
      // Joining '' and 'a' must give 'a'; joining 'x' and '.a' gives 'x.a'.
      const joined =
        toPrefix === '' && rest.startsWith('.')
          ? rest.slice(1)
          : fromPrefix === '' && toPrefix !== '' && rest !== '' && !rest.startsWith('[')
            ? `${toPrefix}.${rest}`
            : toPrefix + rest;
      this.#origins.set(joined, o);
    }
  }

  delete(path: string): void {
    this.#origins.delete(path);
  }
}
