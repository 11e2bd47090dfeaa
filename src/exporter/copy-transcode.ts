/**
 * Whole rows of UTF-8 bytes, as COPY wrote them, into the output encoding (GBK, GB18030)
 * through iconv-lite, a slice of about 256 KiB at a time (cut between characters), so a
 * 4 MiB range never becomes one big string and one big buffer: the same bytes, the same
 * count of characters replaced by `?`, the same UNENCODABLE_CHARACTER (row and column) as
 * the JS formatter, which checks every value it writes. Only values can hold such
 * characters: the COPY path is not taken when a JSON line's key could (copyNamesEncodable).
 */
import { type OutputEncoder, describeCharacter, unencodableError } from './encoding.js';
import { locateField } from './copy-scanner.js';

const SLICE_BYTES = 256 << 10;

/** Writes `data` (whole rows) in the output encoding through `write`. */
export function transcodeRows(
  encoder: OutputEncoder,
  data: Buffer,
  format: 'csv' | 'jsonl',
  names: readonly string[],
  rowsBefore: number,
  write: (bytes: Uint8Array) => void,
): void {
  if (!encoder.nextUnencodable) {
    write(data);
    return;
  }
  for (let from = 0; from < data.length; ) {
    let to = Math.min(data.length, from + SLICE_BYTES);
    while (to < data.length && (data[to] & 0xc0) === 0x80) to++; // not inside a character
    const slice = data.subarray(from, to);
    const encoded = encoder.encode(slice.toString('utf8'));
    // iconv-lite writes one `?` per character the target cannot hold, and in GBK and
    // GB18030 the byte 0x3F is never part of a multi-byte character: the `?`s it added are
    // the replacements. Only to name a failure are characters looked at one by one.
    const added = count(encoded, 0x3f) - count(slice, 0x3f);
    if (added > 0 && encoder.onUnencodable === 'fail')
      throw failure(encoder, data, format, names, rowsBefore);
    encoder.replaced += added;
    write(encoded);
    from = to;
  }
}

/** UNENCODABLE_CHARACTER for the first such character of `data`, its row and column. */
function failure(
  encoder: OutputEncoder,
  data: Buffer,
  format: 'csv' | 'jsonl',
  names: readonly string[],
  rowsBefore: number,
) {
  const text = data.toString('utf8');
  const i = encoder.nextUnencodable!(text, 0);
  const at = locateField(format, text, i);
  return unencodableError(
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
