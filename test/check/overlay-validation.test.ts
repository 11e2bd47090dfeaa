import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import { EXAMPLE, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
function copy(): string {
  const dir = join(tmp.dir, `p${n++}`);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (s) => !s.startsWith(join(EXAMPLE, 'data')) });
  return dir;
}

describe('overlay mistakes', () => {
  it('are reported once, at the overlay line, through the effective config', () => {
    const dir = copy();
    writeFileSync(join(dir, 'config/envs/dev.yaml'), 'server:\n  host: 127.0.0.1\n  prot: 1\n');
    const r = checkProject({ cwd: dir, envs: ['dev'], stages: [] });
    const typo = r.findings.filter((f) => f.rule === 'schema/invalid');
    expect(typo).toHaveLength(1);
    expect(typo[0]).toMatchObject({ env: 'dev', path: 'server.prot' });
    expect(typo[0].location).toMatchObject({ file: join(dir, 'config/envs/dev.yaml'), line: 3, column: 3 });
  });

  it('are still reported when the base is broken and nothing can be composed', () => {
    const dir = copy();
    writeFileSync(join(dir, 'config/base.yaml'), 'server: [\n');
    writeFileSync(join(dir, 'config/envs/dev.yaml'), 'server:\n  prot: 1\n');
    const r = checkProject({ cwd: dir, stages: [] });
    expect(r.findings.some((f) => f.rule === 'yaml/syntax')).toBe(true);
    const typo = r.findings.find((f) => f.path === 'server.prot');
    expect(typo?.location).toMatchObject({ file: join(dir, 'config/envs/dev.yaml'), line: 2 });
  });

  it('an overlay that is not a map is an error, not silently ignored', () => {
    const dir = copy();
    writeFileSync(join(dir, 'config/envs/staging.yaml'), '- server\n- port\n');
    const r = checkProject({ cwd: dir, envs: ['staging'], stages: [] });
    const f = r.findings.find((x) => x.env === 'staging' && x.rule === 'schema/invalid');
    expect(f?.message).toBe('the document must be a map, not a list');
    expect(f?.location?.file).toBe(join(dir, 'config/envs/staging.yaml'));
  });
});
