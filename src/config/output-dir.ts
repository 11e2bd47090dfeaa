/**
 * The output-path policy: an export directory must not escape the project or land in a
 * system directory. Held by the `export/output-path` rule at check time and by the exporter
 * for `--out` and the directory it is about to write.
 */
import { posix, win32 } from 'node:path';

const SYSTEM_DIRS = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/lib',
  '/var/log',
  '/var/run',
];
const WINDOWS_SYSTEM = /^[a-z]:\\(windows|program files( \(x86\))?|programdata)(\\|$)/i;

export function outputDirProblem(dir: string): string | undefined {
  if (dir.includes('${')) return undefined; // resolved at run time
  if (/^[a-z]:[\\/]/i.test(dir) || dir.startsWith('\\\\')) {
    const norm = win32.normalize(dir);
    return WINDOWS_SYSTEM.test(norm) || /^[a-z]:\\$/i.test(norm) ? 'is a system directory' : undefined;
  }
  const unix = dir.replace(/\\/g, '/');
  if (unix.startsWith('/')) {
    const norm = posix.normalize(unix).replace(/\/+$/, '') || '/';
    const hit = SYSTEM_DIRS.find((s) => norm === s || (s !== '/' && norm.startsWith(`${s}/`)));
    return hit ? `is inside the system directory ${hit}` : undefined;
  }
  const norm = posix.normalize(unix);
  if (norm === '..' || norm.startsWith('../')) return 'escapes the project directory (..)';
  return undefined;
}
