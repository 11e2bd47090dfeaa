/**
 * The deployable stack under hostile or careless input: a project bundle whose paths leave
 * the project, an overlay that makes one environment's instances run differently, a service
 * whose names AWS cannot hold.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unpackProjectScript } from '../../src/terraform/deploy/boot-scripts.js';
import { EXAMPLE, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-adv-stacks-');
afterAll(() => tmp.cleanup());

function copyExample(name: string): string {
  const dir = join(tmp.dir, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

describe('stacks: adversarial', () => {
  it('the boot unpack script refuses bundle paths that leave the project directory', () => {
    const script = join(tmp.dir, 'unpack.mjs');
    writeFileSync(script, unpackProjectScript());
    for (const evil of ['../escaped.yaml', '/tmp/absolute-escape.yaml', 'config/../../escaped2.yaml']) {
      const bundle = join(tmp.dir, 'bundle.json');
      writeFileSync(bundle, JSON.stringify({ files: { [evil]: 'owned: true\n' } }));
      const target = join(tmp.dir, 'target');
      const r = spawnSync(process.execPath, [script, bundle, target], { encoding: 'utf8' });
      expect(r.status, evil).not.toBe(0);
      expect(r.stderr).toContain('project bundle path leaves the project');
      expect(existsSync(join(tmp.dir, 'escaped.yaml'))).toBe(false);
      expect(existsSync(join(tmp.dir, 'escaped2.yaml'))).toBe(false);
      expect(existsSync('/tmp/absolute-escape.yaml')).toBe(false);
    }
  });

  it('an overlay that changes how one environment runs the service breaks identical-environments', () => {
    const dir = copyExample('liveness-drift');
    // check's drift/unexpected would refuse first; the stacks are the last line of defence.
    const manifest = join(dir, 'exportctl.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        '    export/chunk-size: error',
        '    export/chunk-size: error\n    drift/unexpected: "off"',
      ),
    );
    writeFileSync(
      join(dir, 'config/envs/dev.yaml'),
      `${readFileSync(join(dir, 'config/envs/dev.yaml'), 'utf8')}probes:\n  liveness: { period: 30s }\n`,
    );
    const r = runCli(['synth', '--format', 'json'], { cwd: dir });
    expect(hasStackTrace(r.stderr)).toBe(false);
    const results = (
      JSON.parse(r.stdout) as { results: Array<{ rule: string; message: string; path?: string }> }
    ).results;
    const identical = results.filter((f) => f.rule === 'terraform/identical-environments');
    expect(identical.map((f) => f.message).join('\n')).toMatch(/aws_launch_template\.app\.user_data/);
    expect(identical.some((f) => f.path?.startsWith('probes'))).toBe(true);
    expect(r.code).toBe(1);
  });

  it('a project and environment name too long for a load balancer is refused, not sent to AWS', () => {
    const dir = copyExample('long-name');
    const manifest = join(dir, 'exportctl.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        'name: orders-export',
        'name: orders-export-for-the-finance-team',
      ),
    );
    const r = runCli(['synth', '--format', 'json'], { cwd: dir });
    const messages = (JSON.parse(r.stdout) as { results: Array<{ rule: string; message: string }> }).results
      .filter((f) => f.rule === 'terraform/unsupported')
      .map((f) => f.message);
    expect(messages.join('\n')).toMatch(/longer than AWS's 32 characters/);
    expect(r.code).toBe(1);
  });
});
