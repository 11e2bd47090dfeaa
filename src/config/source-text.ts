/**
 * Turning file bytes into text a YAML parser may see: size cap, binary detection,
 * strict UTF-8, BOM. Each refusal carries the 1-based line and column where it happened.
 */
import { FILE_SIZE_LIMITS, formatSize } from './read-file.js';

export const MAX_CONFIG_BYTES = FILE_SIZE_LIMITS.config;

export type DecodeResult =
  | { ok: true; text: string }
  | { ok: false; message: string; line: number; column: number };

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset in UTF-8 bytes. */
function lineColOfByte(buf: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) if ((buf[i] & 0xc0) !== 0x80) column++;
  return { line, column };
}

export function decodeConfigBytes(buf: Uint8Array): DecodeResult {
  if (buf.length > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      message: `file is ${formatSize(buf.length)}; config files are limited to ${formatSize(MAX_CONFIG_BYTES)}`,
      line: 1,
      column: 1,
    };
  }
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    return {
      ok: false,
      message: 'binary file (NUL byte): not YAML or JSON text',
      ...lineColOfByte(buf, nul),
    };
  }
  const bad = firstInvalidUtf8(buf);
  if (bad !== -1) {
    const hex = buf[bad].toString(16).padStart(2, '0');
    return { ok: false, message: `invalid UTF-8 (byte 0x${hex})`, ...lineColOfByte(buf, bad) };
  }
  let text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}
