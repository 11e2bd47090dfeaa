/**
 * Running the terraform binary for `exportctl plan`: an edge of the pipeline (processes,
 * files). Failures are `TerraformError`s with what the user should do; the CLI exits 2.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export class TerraformError extends Error {
  override readonly name = 'TerraformError';
  /** terraform missing, or a terraform command that failed (exit 2, like a usage error). */
  readonly code = 'TERRAFORM_FAILED';
}

/** The terraform executable: $EXPORTCTL_TERRAFORM, else `terraform` on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.EXPORTCTL_TERRAFORM;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new TerraformError(`EXPORTCTL_TERRAFORM=${explicit} is not an executable file`);
  }
  const names = process.platform === 'win32' ? ['terraform.exe', 'terraform'] : ['terraform'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const p = join(dir, n);
      if (isExecutable(p)) return p;
    }
  }
  throw new TerraformError(
    'terraform is not on PATH: install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) or set EXPORTCTL_TERRAFORM',
  );
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface TerraformRun {
  stdout: string;
}

/**
 * Runs `terraform <args>` in `cwd`. Its progress goes to our stderr (stdout stays the
 * report's); `capture` keeps stdout instead (for `show -json`).
 */
export function runTerraform(
  bin: string,
  args: string[],
  cwd: string,
  what: string,
  opts: { capture?: boolean } = {},
): TerraformRun {
  const r = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
    // Our stdout carries the report: terraform's own output goes to stderr.
    stdio: ['ignore', opts.capture ? 'pipe' : 2, opts.capture ? 'pipe' : 2],
  });
  if (r.error) throw new TerraformError(`${what}: cannot run ${bin}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = opts.capture
      ? `\n${String(r.stderr ?? '')
          .trim()
          .split('\n')
          .slice(-20)
          .join('\n')}`
      : '';
    throw new TerraformError(`${what} failed (terraform ${args[0]} exited ${r.status} in ${cwd})${tail}`);
  }
  return { stdout: String(r.stdout ?? '') };
}
