/**
 * The one way exportctl reads a file a user names (manifest, configs, policy packs,
 * lockfiles and their includes, compatibility matrices, Terraform state and plans):
 * regular files only, within a size cap per kind, inside the project when a confinement is
 * given. A device, a FIFO, `/dev/stdin` or a symbolic-link loop is refused by name, and is
 * never opened in a way that can block: the path is stat'ed first, opened with O_NONBLOCK,
 * and fstat'ed again after opening (a file swapped in between is refused too). Reading stops
 * one byte past the cap, so memory stays bounded even for a file that grows or lies about
 * its size. Every refusal is a value (rule + message), never an exception.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import type { PathConfinement } from './confinement.js';

const MiB = 1024 * 1024;

/** Size caps by kind of file (bytes). Documented in README "Bad input". */
export const FILE_SIZE_LIMITS = {
  /** Manifest, base, overlays, policy packs, compatibility matrices, lockfiles and includes. */
  config: 8 * MiB,
  /** `terraform show -json` output read by `drift --state` and `plan-check`. */
  terraform: 32 * MiB,
  /** Files exportctl wrote itself and reads back (checkpoints, manifests of exports). */
  internal: 8 * MiB,
} as const;

export type FileKind = keyof typeof FILE_SIZE_LIMITS;

/** `io/read`: cannot or must not be read; `io/too-large`: over its cap; `io/outside-project`: confined. */
export type FileRefusalRule = 'io/read' | 'io/too-large' | 'io/outside-project';

/** Whether a finding's rule is one of the guarded reader's refusals. */
export function isFileRefusal(rule: string): rule is FileRefusalRule {
  return rule === 'io/read' || rule === 'io/too-large' || rule === 'io/outside-project';
}

export interface FileRefusal {
  rule: FileRefusalRule;
  /** What is wrong with the path, without its content (e.g. "is a FIFO (named pipe), not a regular file"). */
  message: string;
}

export type FileRead = { ok: true; bytes: Buffer } | { ok: false; refusal: FileRefusal };

export interface GuardOptions {
  /** Which cap applies (default `config`). */
  kind?: FileKind;
  /** Refuse paths that resolve outside these roots. */
  confine?: PathConfinement;
  /** `inspectFile` only: accept a directory as well (a policy path). */
  allowDirectory?: boolean;
}

export function formatSize(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** What a stat'ed path is when not a regular file ("a FIFO (named pipe)"), or undefined. */
export function fileKind(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'an unknown kind of file';
}

/** Why a stat'ed path is not a regular file, or undefined when it is one. */
export function notRegularFile(st: Stats): string | undefined {
  const kind = fileKind(st);
  if (kind === undefined) return undefined;
  return kind === 'a directory' ? 'is a directory, not a file' : `is ${kind}, not a regular file`;
}

/** The reason for a failed system call on a path, in words. */
export function errnoReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'a symbolic link loop (too many levels of symbolic links)';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENXIO':
      return 'is a device or socket with nothing behind it';
    default:
      return `cannot read (${code ?? 'unknown error'})`;
  }
}

function refuse(rule: FileRefusalRule, message: string): { ok: false; refusal: FileRefusal } {
  return { ok: false, refusal: { rule, message } };
}

function tooLarge(size: number | undefined, cap: number): { ok: false; refusal: FileRefusal } {
  const what = size === undefined ? `over ${formatSize(cap)}` : formatSize(size);
  return refuse('io/too-large', `file is ${what}; files of this kind are limited to ${formatSize(cap)}`);
}

/**
 * Checks a path without opening it: confinement, type, size. For validating the paths a
 * manifest names before anything reads them; the read itself (`readGuarded`) checks again.
 */
export function inspectFile(
  file: string,
  options: GuardOptions = {},
): { ok: true; isDirectory: boolean } | { ok: false; refusal: FileRefusal } {
  const outside = options.confine?.check(file);
  if (outside) return { ok: false, refusal: outside };
  let st: Stats;
  try {
    st = statSync(file);
  } catch (err) {
    return refuse('io/read', errnoReason(err));
  }
  if (options.allowDirectory && st.isDirectory()) return { ok: true, isDirectory: true };
  const why = notRegularFile(st);
  if (why) return refuse('io/read', why);
  const cap = FILE_SIZE_LIMITS[options.kind ?? 'config'];
  if (st.size > cap) return tooLarge(st.size, cap);
  return { ok: true, isDirectory: false };
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

/** Reads a regular file under its cap; refusals are values. */
export function readGuarded(file: string, options: GuardOptions = {}): FileRead {
  const cap = FILE_SIZE_LIMITS[options.kind ?? 'config'];
  const first = inspectFile(file, { ...options, allowDirectory: false });
  if (!first.ok) return first;
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    return refuse('io/read', errnoReason(err));
  }
  try {
    // The path may have been swapped between stat and open: judge what was opened.
    const st = fstatSync(fd);
    const why = notRegularFile(st);
    if (why) return refuse('io/read', why);
    if (st.size > cap) return tooLarge(st.size, cap);
    const outside = options.confine?.checkOpened(fd);
    if (outside) return { ok: false, refusal: outside };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(Math.max(CHUNK, st.size - total + 1), cap + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      chunks.push(n === want ? buf : buf.subarray(0, n));
      total += n;
      if (total > cap) return tooLarge(undefined, cap);
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (err) {
    return refuse('io/read', errnoReason(err));
  } finally {
    closeSync(fd);
  }
}

/** `readGuarded` as UTF-8 text (BOM kept; callers that care strip it). */
export function readGuardedText(
  file: string,
  options: GuardOptions = {},
): { ok: true; text: string } | { ok: false; refusal: FileRefusal } {
  const r = readGuarded(file, options);
  return r.ok ? { ok: true, text: r.bytes.toString('utf8') } : r;
}
