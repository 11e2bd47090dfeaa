import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { byRule, manifest, runDrift, writeProject } from './helpers.js';

const tmp = tempDir('exportctl-drift-prov-');
afterAll(() => tmp.cleanup());

const BASE = [
  'server:', //                     1
  '  host: 0.0.0.0', //             2
  '  timeout: 30s', //              3
  'export:', //                     4
  '  chunk_size: 2000', //          5
  '  retry: { attempts: 3 }', //    6
  '',
].join('\n');

const dir = writeProject(tmp.dir, {
  'exportctl.yaml': manifest('', ['dev', 'prod']),
  'base.yaml': BASE,
  // dev: changes the timeout, deletes retry, adds a (schema-valid) key prod does not have
  'envs/dev.yaml': 'server:\n  timeout: 10s\n  max_body: 64KiB\nexport:\n  retry: null\n',
  // prod: changes the chunk size (dev is silent there)
  'envs/prod.yaml': 'export:\n  chunk_size: 4000\n',
});
const { findings } = runDrift(dir);
const at = (path: string) => findings.find((f) => f.path === path);

describe('where drift findings point', () => {
  it('at the overlay line that causes the difference', () => {
    expect(at('server.timeout')).toMatchObject({
      rule: 'drift/unexpected',
      env: 'dev',
      location: { file: join(dir, 'envs/dev.yaml'), line: 2, column: 12 },
    });
  });

  it("at the base line when the environment's overlay is silent, naming where the reference's value comes from", () => {
    const f = at('export.chunk_size')!;
    expect(f).toMatchObject({ env: 'dev', location: { file: join(dir, 'base.yaml'), line: 5, column: 15 } });
    expect(f.message).toBe(
      'export.chunk_size is 2000 in dev but 4000 in prod (the reference, envs/prod.yaml:2), and no drift.allow entry covers it',
    );
  });

  it('at the null that deleted a key the reference has', () => {
    expect(at('export.retry')).toMatchObject({
      rule: 'drift/missing',
      env: 'dev',
      location: { file: join(dir, 'envs/dev.yaml'), line: 5, column: 3 },
    });
    expect(at('export.retry')!.message).toMatch(/^export\.retry is set in prod .* but not in dev$/);
  });

  it('at the key an environment has and the reference lacks', () => {
    expect(at('server.max_body')).toMatchObject({
      rule: 'drift/missing',
      env: 'dev',
      location: { file: join(dir, 'envs/dev.yaml'), line: 3, column: 3 },
    });
  });

  it('reports each difference once, on the environment that differs, never on the reference', () => {
    expect(findings.filter((f) => f.rule !== 'drift/redundant-override').map((f) => f.env)).toEqual([
      'dev',
      'dev',
      'dev',
      'dev',
    ]);
    expect(byRule(findings, 'drift/unexpected')).toHaveLength(2);
  });
});
