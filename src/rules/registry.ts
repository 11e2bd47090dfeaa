/**
 * The one registry of rules. `explain`, docs/rules.md, the policy stage, rule controls and
 * SARIF's rule table all read rule metadata from here. `check` builds one per project per
 * run (policy/rule-set.ts `projectRules`) and hands it to every consumer.
 */
import { suggest } from '../diagnostics/suggest.js';
import type { RuleMeta } from './meta.js';

export class RuleRegistry {
  readonly #rules = new Map<string, RuleMeta>();

  constructor(rules: Iterable<RuleMeta> = []) {
    for (const r of rules) this.#rules.set(r.id, r);
  }

  /** A registry holding these rules and then `more` (later ids must be new). */
  extend(more: Iterable<RuleMeta>): RuleRegistry {
    return new RuleRegistry([...this.#rules.values(), ...more]);
  }

  get(id: string): RuleMeta | undefined {
    return this.#rules.get(id);
  }

  has(id: string): boolean {
    return this.#rules.has(id);
  }

  /** Every rule, sorted by id. */
  all(): RuleMeta[] {
    return [...this.#rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The closest known id to a misspelt one. */
  suggest(id: string): string | undefined {
    const ids = [...this.#rules.keys()];
    return (
      suggest(id, ids) ?? ids.find((k) => k.endsWith(`/${id}`) || k.split('/')[1] === id.split('/').pop())
    );
  }
}
