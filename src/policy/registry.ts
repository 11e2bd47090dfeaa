/**
 * The one registry of rules. `explain`, docs/rules.md, the policy stage, rule controls and
 * (later) SARIF's rule table all read rule metadata from here.
 */
import { suggest } from '../diagnostics/suggest.js';
import type { Rule } from './rule.js';

export class RuleRegistry {
  readonly #rules = new Map<string, Rule>();

  constructor(rules: Iterable<Rule> = []) {
    for (const r of rules) this.#rules.set(r.id, r);
  }

  /** A registry holding these rules and then `more` (later ids must be new). */
  extend(more: Iterable<Rule>): RuleRegistry {
    return new RuleRegistry([...this.#rules.values(), ...more]);
  }

  get(id: string): Rule | undefined {
    return this.#rules.get(id);
  }

  has(id: string): boolean {
    return this.#rules.has(id);
  }

  /** Every rule, sorted by id. */
  all(): Rule[] {
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
