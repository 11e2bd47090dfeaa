/**
 * A small tmpfs for the tests that fill a file system (the disk breaker, DISK_FULL): a real
 * full disk, not a mocked statfs. Mounting needs root (CI runs the suite as root); without it
 * the test fails saying so, never skips.
 */
import { execFileSync } from 'node:child_process';

export interface Tmpfs {
  unmount(): void;
}

export function mountTmpfs(dir: string, size: string): Tmpfs {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `this test mounts a ${size} tmpfs at ${dir} to fill it up, which needs root: run it as root (CI does), or inside \`unshare --map-root-user --mount\``,
    );
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(
      `mount -t tmpfs (size=${size}) at ${dir} failed: ${stderr || (e as Error).message}; the test needs a root that may mount (CAP_SYS_ADMIN; in a container: --privileged or --cap-add SYS_ADMIN)`,
    );
  }
  return { unmount: () => execFileSync('umount', [dir]) };
}
