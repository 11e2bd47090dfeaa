import type { SourceRange } from '../diagnostics/finding.js';
import { type ConfigPath, formatPath, parsePath } from './path.js';

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

  /** Copies every origin under `prefix` (inclusive) from another provenance. */
  copySubtree(from: Provenance, fromPrefix: string, toPrefix: string): void {
    for (const [p, o] of from.#origins) {
      if (p === fromPrefix) this.#origins.set(toPrefix, o);
      else if (fromPrefix === '' || p.startsWith(fromPrefix + '.') || p.startsWith(fromPrefix + '[')) {
        this.#origins.set(toPrefix + p.slice(fromPrefix.length), o);
      }
    }
  }

  deleteSubtree(prefix: string): void {
    for (const p of [...this.#origins.keys()]) {
      if (p === prefix || p.startsWith(prefix + '.') || p.startsWith(prefix + '[')) this.#origins.delete(p);
    }
  }
}
