/**
 * Memo of pure results (version parsing and matching are the solver's main cost): bounded, and
 * only ever holding what would be computed again for the same input.
 */
export class Memo<V> {
  readonly #map = new Map<string, V>();

  constructor(private readonly max = 50_000) {}

  get(key: string, compute: () => V): V {
    const hit = this.#map.get(key);
    if (hit !== undefined || this.#map.has(key)) return hit as V;
    if (this.#map.size >= this.max) this.#map.clear();
    const v = compute();
    this.#map.set(key, v);
    return v;
  }
}
