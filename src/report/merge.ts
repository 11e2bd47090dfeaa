/**
 * The same finding in several environments (a base value every environment inherits) is
 * reported once, with the environments listed. Every format groups findings this way, so a
 * code-scanning alert, an annotation or a Code Quality entry stands for one problem.
 */
import { type Finding, findingKey } from '../diagnostics/finding.js';

export interface ReportItem {
  finding: Finding;
  /** Environments the finding concerns, in the order first seen; empty for project-wide findings. */
  envs: string[];
}

export function mergeAcrossEnvs(findings: readonly Finding[]): ReportItem[] {
  const merged = new Map<string, ReportItem>();
  for (const f of findings) {
    // A new and an existing finding never merge into one line.
    const k = `${findingKey(f, { acrossEnvs: true })}\u0000${f.baselineState ?? ''}`;
    const m = merged.get(k);
    if (m) {
      if (f.env && !m.envs.includes(f.env)) m.envs.push(f.env);
    } else merged.set(k, { finding: f, envs: f.env ? [f.env] : [] });
  }
  return [...merged.values()];
}

/** The message with the environments it concerns, as the text report shows it. */
export function messageWithEnvs(item: ReportItem): string {
  return item.envs.length > 0 ? `${item.finding.message} [${item.envs.join(', ')}]` : item.finding.message;
}
