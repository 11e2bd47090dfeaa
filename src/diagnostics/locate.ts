/** The one place that maps a finding's config path to file:line:col through provenance. */
import type { Finding, SourceRange } from './finding.js';

/**
 * What locates a config path in its files: a `Provenance` (config/provenance.ts). Named by its
 * one method so that diagnostics, the bottom layer, imports nothing of config.
 */
export interface PathLocator {
  locate(path: string): SourceRange | undefined;
}

/** Returns the provenance that locates paths of an environment (or of the manifest when env is undefined). */
export type ProvenanceResolver = (env: string | undefined) => PathLocator | undefined;

export function locateFindings(findings: Finding[], resolve: ProvenanceResolver): Finding[] {
  return findings.map((f) => {
    if (f.location || f.path === undefined) return f;
    const location = resolve(f.env)?.locate(f.path);
    return location ? { ...f, location } : f;
  });
}
