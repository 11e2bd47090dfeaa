/** export/output-path: `export.output.dir` must not escape the project or point into the system. */
import { posix, win32 } from 'node:path';
import { getAtPath } from '../../config/path.js';
import type { NativeRuleImpl } from '../rule.js';

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

export const outputPath: NativeRuleImpl = {
  id: 'export/output-path',
  evaluate(input) {
    const dir = getAtPath(input.config, ['export', 'output', 'dir']);
    if (typeof dir !== 'string') return [];
    const why = outputDirProblem(dir);
    return why
      ? [
          {
            path: 'export.output.dir',
            message: `export.output.dir "${dir}" ${why}; write exports inside the project or a dedicated data directory`,
          },
        ]
      : [];
  },
};
