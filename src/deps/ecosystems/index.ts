/** The ecosystems exportctl reasons about, by the name `dependencies.ecosystem` uses. */
import { npm } from './npm.js';
import { pypi } from './pypi.js';
import type { Ecosystem, EcosystemName } from './types.js';

export type { Ecosystem, EcosystemName, Specifier, SpecifierParse } from './types.js';

export const ECOSYSTEMS: Record<EcosystemName, Ecosystem> = { pypi, npm };

export function ecosystem(name: string): Ecosystem | undefined {
  return Object.hasOwn(ECOSYSTEMS, name) ? ECOSYSTEMS[name as EcosystemName] : undefined;
}
