/**
 * Test helper: an environment's effective config values from a project on disk, by a plain
 * deep merge of base and overlay (maps merge, lists of named items merge by name, `null`
 * deletes). The product's composition lives in src/config; the exporter tests only need
 * the values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function merge(base: unknown, over: unknown): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete out[k];
      else out[k] = k in out ? merge(out[k], v) : v;
    }
    return out;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(over) &&
    [...base, ...over].every((x) => isObj(x) && 'name' in x)
  ) {
    const out = (base as Obj[]).map((x) => ({ ...x }));
    for (const item of over as Obj[]) {
      const i = out.findIndex((x) => x.name === item.name);
      if (i >= 0) out[i] = merge(out[i], item) as Obj;
      else out.push(item);
    }
    return out;
  }
  return over;
}

export function exampleValues(projectRoot: string, env: string): Obj {
  const manifest = YAML.parse(fs.readFileSync(path.join(projectRoot, 'exportctl.yaml'), 'utf8')) as Obj;
  const base = YAML.parse(fs.readFileSync(path.join(projectRoot, manifest.base as string), 'utf8'));
  const envs = manifest.environments as Record<string, { overlay?: string }>;
  const overlay = envs[env]?.overlay
    ? YAML.parse(fs.readFileSync(path.join(projectRoot, envs[env].overlay as string), 'utf8'))
    : {};
  return merge(base, overlay) as Obj;
}

/** A minimal valid config for tests, with overrides merged in. */
export function testValues(overrides: Obj = {}): Obj {
  return merge(
    {
      apiVersion: 'exportctl/v1',
      kind: 'ExportConfig',
      metadata: { name: 'test-export', owner: 'tests' },
      database: { driver: 'sqlite', url: 'sqlite:data.db', statement_timeout: '30s' },
      export: {
        source: { table: 'items', key: 'id' },
        chunk_size: 100,
        queue: { capacity: 50 },
        output: { format: 'csv', dir: './out', encoding: 'utf-8', on_unencodable: 'replace', header: true },
        limits: { max_rows: 1_000_000, per_user_per_hour: 100, disk_usage_breaker: '85%' },
        retry: { attempts: 3, initial_backoff: '50ms', max_backoff: '200ms' },
        timeout: '60s',
      },
    },
    overrides,
  ) as Obj;
}
