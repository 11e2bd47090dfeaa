/**
 * Whole rows of UTF-8 bytes, as COPY wrote them, into the output encoding (GBK, GB18030)
 * through iconv-lite, a batch of rows at a time: the same bytes, the same count of
 * characters replaced by `?`, the same UNENCODABLE_CHARACTER (row and column) as the JS
 * formatter, which checks every value it writes. Only values can hold such characters: the
 * COPY path is not taken when a JSON line's key could (see copyNamesEncodable).
 */
import { type OutputEncoder, describeCharacter, unencodableError } from './encoding.js';
import { locateField } from './copy-scanner.js';

export function transcodeRows(
  encoder: OutputEncoder,
  data: Buffer,
  format: 'csv' | 'jsonl',
  names: readonly string[],
  rowsBefore: number,
): Buffer {
  const next = encoder.nextUnencodable;
  if (!next) return data;
  const text = data.toString('utf8');
  const encoded = encoder.encode(text);
  // iconv-lite writes one `?` per character the target cannot hold, and in GBK and GB18030
  // the byte 0x3F is never part of a multi-byte character: the `?`s it added are the
  // replacements. Only when there are some are the characters looked at one by one.
  const added = count(encoded, 0x3f) - count(data, 0x3f);
  if (added === 0) return encoded;
  if (encoder.onUnencodable === 'replace') {
    encoder.replaced += added;
    return encoded;
  }
  // `fail`: the first such character, its row and column, as the JS formatter names them.
  const i = next(text, 0);
  const at = locateField(format, text, i);
  throw unencodableError(
    rowsBefore + at.row + 1,
    names[at.field] ?? '?',
    describeCharacter(text, i),
    encoder.encoding,
  );
}

function count(buf: Uint8Array, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i >= 0; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

/** Whether every output name is encodable (JSON lines repeat them on every row, unchecked). */
export function copyNamesEncodable(encoder: OutputEncoder, names: readonly string[]): boolean {
  return names.every((n) => (encoder.nextUnencodable?.(n, 0) ?? -1) < 0);
}
