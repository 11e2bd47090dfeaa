/**
 * Output encodings. UTF-8 is Node's own; GBK and GB18030 go through iconv-lite. A
 * character the target cannot hold is either replaced by `?` (and counted) or fails the
 * job with UNENCODABLE_CHARACTER naming its row and column.
 */
import { createRequire } from 'node:module';
import type Iconv from 'iconv-lite';
import { ExportError } from './errors.js';
import { GrowableBytes } from './growable-bytes.js';
import type { OutputEncoding } from './settings.js';

export interface OutputEncoder {
  readonly encoding: OutputEncoding;
  /** Characters replaced by `?` so far. */
  replaced: number;
  readonly onUnencodable: 'replace' | 'fail';
  /**
   * The UTF-16 index of the first character of `text` at or after `from` that the target
   * cannot hold, or -1. Undefined for UTF-8 (it holds every character).
   */
  readonly nextUnencodable?: (text: string, from: number) => number;
  /**
   * Checks one text field before it is written. Undefined for UTF-8 (nothing to check).
   * `row` is the 1-based data row, `column` the output column name.
   */
  readonly checkField?: (value: string, row: number, column: string) => void;
  /** The bytes of `text`; for UTF-8 a view of a reused buffer, valid until the next call. */
  encode(text: string): Buffer;
}

// iconv-lite (and its code tables) loads only for GBK/GB18030: UTF-8 is Node's own.
const require = createRequire(import.meta.url);
let iconvModule: typeof Iconv | undefined;
function iconvLite(): typeof Iconv {
  iconvModule ??= require('iconv-lite') as typeof Iconv;
  return iconvModule;
}

const NON_ASCII = /[^\x00-\x7f]/;

export function createEncoder(encoding: OutputEncoding, onUnencodable: 'replace' | 'fail'): OutputEncoder {
  if (encoding === 'utf-8') {
    // Into a reused buffer: no allocation per batch.
    const scratch = new GrowableBytes(1 << 16);
    const encode = (text: string) => {
      scratch.length = 0;
      scratch.writeUtf8(text);
      return scratch.view();
    };
    return { encoding, replaced: 0, onUnencodable, encode };
  }
  const iconv = iconvLite();
  if (!iconv.encodingExists(encoding)) {
    throw new ExportError('ENCODING_UNSUPPORTED', `output encoding ${encoding} is not supported`);
  }
  // Whether the target encoding holds a code point, learnt once per character: BMP
  // characters in a table (1 holds, 2 does not), others in a map.
  const bmp = new Uint8Array(0x10000);
  const astral = new Map<number, boolean>();
  const learn = (cp: number): boolean => {
    const bytes = iconv.encode(String.fromCodePoint(cp), encoding);
    return !(bytes.length === 1 && bytes[0] === 0x3f);
  };
  const encodable = (cp: number): boolean => {
    if (cp < 0x10000) {
      let known = bmp[cp];
      if (known === 0) bmp[cp] = known = learn(cp) ? 1 : 2;
      return known === 1;
    }
    let ok = astral.get(cp);
    if (ok === undefined) {
      ok = learn(cp);
      astral.set(cp, ok);
    }
    return ok;
  };
  const nextUnencodable = (value: string, from: number): number => {
    if (from === 0 && !NON_ASCII.test(value)) return -1;
    for (let i = from; i < value.length; i++) {
      const cp = value.codePointAt(i)!;
      if (cp < 0x80) continue;
      if (!encodable(cp)) return i;
      if (cp > 0xffff) i++;
    }
    return -1;
  };
  const encoder: OutputEncoder = {
    encoding,
    replaced: 0,
    onUnencodable,
    nextUnencodable,
    checkField(value, row, column) {
      for (let i = nextUnencodable(value, 0); i >= 0; i = nextUnencodable(value, i + charLength(value, i))) {
        if (onUnencodable === 'fail')
          throw unencodableError(row, column, describeCharacter(value, i), encoding);
        encoder.replaced++;
      }
    },
    encode: (text) => iconv.encode(text, encoding),
  };
  return encoder;
}

/** UTF-16 units of the character at `i` (2 for a surrogate pair). */
export function charLength(text: string, i: number): number {
  return text.codePointAt(i)! > 0xffff ? 2 : 1;
}

/** `U+4E2D`, or `a lone surrogate`: the character at `i`, for an error message. */
export function describeCharacter(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  return cp >= 0xd800 && cp <= 0xdfff
    ? 'a lone surrogate'
    : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** UNENCODABLE_CHARACTER at a 1-based data row and an output column. */
export function unencodableError(
  row: number,
  column: string,
  character: string,
  encoding: string,
): ExportError {
  return new ExportError(
    'UNENCODABLE_CHARACTER',
    `row ${row}, column ${column}: ${character} has no ${encoding} form`,
    {
      row,
      column,
      character,
    },
  );
}
