/**
 * Secrets that reach an output in a shape no pattern recognises: a rule message whose
 * expression reshapes a secret (`[x.api_token]`, `x.password + ''`), and code frames of a
 * block scalar or a value with commas under a secret key. The config's secrets are masked
 * wherever they turn up, by value.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-secrets-derived-');
afterAll(() => tmp.cleanup());

const TOKEN = 'tokOPAQUE7731';
const BLOCK = 'blockSECRET4412';
const COMMA = 'ter2SECRET9083';

function project(): string {
  const dir = join(tmp.dir, 'p');
  cpSync(EXAMPLE, dir, { recursive: true, filter: (s) => !s.includes(`${EXAMPLE}/data`) });
  const base = join(dir, 'config', 'base.yaml');
  writeFileSync(
    base,
    readFileSync(base, 'utf8').replace(
      '  owner: data-platform\n',
      `  owner: data-platform\n  labels:\n    api_token: ${TOKEN}\n    db_password: |\n      ${BLOCK}\n    signing_secret: hun,${COMMA}\n`,
    ),
  );
  writeFileSync(
    join(dir, 'policies', 'leaky.yaml'),
    `apiVersion: exportctl/v1
kind: PolicyPack
name: leaky
rules:
  - id: leaky/list
    severity: warning
    description: Puts a secret in a list before printing it.
    assert: "false"
    path: metadata.labels
    message: "token \${[metadata.labels.api_token]} and \${metadata.labels.api_token + ''} and \${metadata.labels}"
`,
  );
  return dir;
}

describe('secrets reshaped on their way out', () => {
  const dir = project();
  it.each([['text'], ['json'], ['sarif'], ['junit'], ['github'], ['gitlab']])(
    'check --format %s: rule messages carry no secret of the config',
    (format) => {
      const r = runCli(['check', '--env', 'dev', '--format', format], { cwd: dir });
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/leaky\/list/);
      for (const m of [TOKEN, BLOCK, COMMA]) expect(out).not.toContain(m);
    },
  );

  it('code frames on a terminal mask a block scalar and a value with commas', () => {
    // `script` gives the CLI a pseudo-terminal, so it prints code frames.
    const r = runCli(['check', '--env', 'dev'], { cwd: dir });
    expect(r.stdout).toMatch(/leaky\/list/);
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} check --env dev`, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '200' },
      timeout: 60_000,
    });
    expect(tty.stdout).toMatch(/labels:/);
    for (const m of [TOKEN, BLOCK, COMMA]) expect(tty.stdout).not.toContain(m);
  });
});
