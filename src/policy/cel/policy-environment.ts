/**
 * The CEL environment policy rules are written against (docs/reference.md#policy-packs): the effective
 * config's top-level sections, `env`, `protected`, `project`, `envs`, `config` (the whole
 * effective config), and, under `for_each`, `item` and `index`. Built once per process.
 */
import { readSchemaText } from '../../schema/schemas.js';
import { CelEngine } from './engine.js';

let engine: CelEngine | undefined;
let sections: string[] | undefined;

/** The top-level sections of an ExportConfig, from its JSON Schema. */
export function configSections(): string[] {
  if (sections) return sections;
  const schema = JSON.parse(readSchemaText('ExportConfig')) as { properties?: Record<string, unknown> };
  sections ??= Object.keys(schema.properties ?? {}).filter((k) => k !== 'apiVersion' && k !== 'kind');
  return sections;
}

export const POLICY_VARIABLES: Record<string, string> = {
  env: 'string',
  protected: 'bool',
  project: 'map<string, dyn>',
  envs: 'map<string, dyn>',
  config: 'map<string, dyn>',
  item: 'dyn',
  index: 'dyn',
};

export function policyCelEngine(): CelEngine {
  if (!engine) {
    const variables: Record<string, string> = {};
    for (const s of configSections()) variables[s] = 'map<string, dyn>';
    Object.assign(variables, POLICY_VARIABLES);
    engine = new CelEngine({ variables });
  }
  return engine;
}
