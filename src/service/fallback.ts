/** Is the source reachable? A bounded probe for `/readyz` and the `toggles.fallback` decision. */
import type { ExporterSettings } from '../exporter/index.js';
import { openSource } from '../exporter/sources/index.js';

/** undefined when the source answers within `timeoutMs`; otherwise why not. */
export async function probeSource(
  settings: ExporterSettings,
  timeoutMs: number,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
  });
  const opening = openSource(settings);
  try {
    const source = await Promise.race([opening, timeout]);
    try {
      await Promise.race([source.columns(), timeout]);
    } finally {
      await source.close().catch(() => {});
    }
    return undefined;
  } catch (err) {
    // A connection that opens after the deadline is closed, not leaked.
    opening.then((s) => s.close().catch(() => {})).catch(() => {});
    return (err as Error)?.message ?? String(err);
  } finally {
    clearTimeout(timer);
  }
}
