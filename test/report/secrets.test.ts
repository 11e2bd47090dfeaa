import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BROKEN, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

it('no output format prints a literal secret from the config', () => {
  const dir = join(tmp.dir, 'p');
  cpSync(BROKEN, dir, { recursive: true });
  const secret = 'Zq9-unique-S3cret';
  const base = join(dir, 'config/base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace('hunter2', secret));
  expect(readFileSync(base, 'utf8')).toContain(`exporter:${secret}@`);

  const json = JSON.parse(runCli(['check', '--format', 'json'], { cwd: dir }).stdout);
  expect(json.results.map((x: { rule: string }) => x.rule)).toContain('security/plaintext-secret');
  for (const format of ['text', 'json', 'sarif', 'junit', 'github', 'gitlab']) {
    const r = runCli(['check', '--format', format], { cwd: dir });
    expect(r.code, format).toBe(1);
    expect(r.stdout.length, format).toBeGreaterThan(100);
    expect(r.stdout, format).not.toContain(secret);
  }
});
