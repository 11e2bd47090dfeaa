/**
 * Whole rows of UTF-8 bytes, as COPY wrote them, into the output encoding (GBK, GB18030)
 * through iconv-lite, a batch of rows at a time: the same bytes, the same count of
 * characters replaced by `?`, the same UNENCODABLE_CHARACTER (row and column) as the JS
 * formatter, which checks every value it writes. Only values can hold such characters: the
 * COPY path is not taken when a JSON line's key could (see copyNamesEncodable).
 */
import { type OutputEncoder, charLength, describeCharacter, unencodableError } from './encoding.js';
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
  for (let i = next(text, 0); i >= 0; i = next(text, i + charLength(text, i))) {
    if (encoder.onUnencodable === 'fail') {
      const at = locateField(format, text, i);
      throw unencodableError(
        rowsBefore + at.row + 1,
        names[at.field] ?? '?',
        describeCharacter(text, i),
        encoder.encoding,
      );
    }
    encoder.replaced++;
  }
  return encoder.encode(text);
}

/** Whether every output name is encodable (JSON lines repeat them on every row, unchecked). */
export function copyNamesEncodable(encoder: OutputEncoder, names: readonly string[]): boolean {
  return names.every((n) => (encoder.nextUnencodable?.(n, 0) ?? -1) < 0);
}
