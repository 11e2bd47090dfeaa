/** One palette for every text output: SGR codes when colour is on, the text alone when off. */
import { expect, it } from 'vitest';
import { palette } from '../../src/report/ansi.js';

it('wraps text in SGR codes only when colour is on', () => {
  const on = palette(true);
  const off = palette(false);
  expect(on.red('x')).toBe('\u001b[31mx\u001b[0m');
  expect(on.gray('x')).toBe('\u001b[90mx\u001b[0m');
  expect(on.bold('x')).toBe('\u001b[1mx\u001b[0m');
  for (const [name, paint] of Object.entries(off)) expect(paint('plain'), name).toBe('plain');
  expect(new Set(Object.values(on).map((p) => p('x'))).size).toBe(Object.keys(on).length);
});
