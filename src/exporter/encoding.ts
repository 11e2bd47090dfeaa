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
    return { encoding, replaced: 0, encode };
  }
  const iconv = iconvLite();
  if (!iconv.encodingExists(encoding)) {
    throw new ExportError('ENCODING_UNSUPPORTED', `output encoding ${encoding} is not supported`);
  }
  // Code point → whether the target encoding holds it, learnt once per character.
  const known = new Map<number, boolean>();
  const encodable = (cp: number): boolean => {
    let ok = known.get(cp);
    if (ok === undefined) {
      const bytes = iconv.encode(String.fromCodePoint(cp), encoding);
      ok = !(bytes.length === 1 && bytes[0] === 0x3f);
      known.set(cp, ok);
    }
    return ok;
  };
  const encoder: OutputEncoder = {
    encoding,
    replaced: 0,
    checkField(value, row, column) {
      if (!NON_ASCII.test(value)) return;
      for (let i = 0; i < value.length; i++) {
        let cp = value.charCodeAt(i);
        if (cp < 0x80) continue;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          const lo = value.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i++;
          }
        }
        if (encodable(cp)) continue;
        if (onUnencodable === 'fail') {
          const ch =
            cp >= 0xd800 && cp <= 0xdfff
              ? 'a lone surrogate'
              : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
          throw unencodableError(row, column, ch, encoding);
        }
        encoder.replaced++;
      }
    },
    encode: (text) => iconv.encode(text, encoding),
  };
  return encoder;
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
