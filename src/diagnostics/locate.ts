/** The one place that maps a finding's config path to file:line:col through provenance. */
import type { Provenance } from '../config/provenance.js';
import type { Finding } from './finding.js';

/** Returns the provenance that locates paths of an environment (or of the manifest when env is undefined). */
export type ProvenanceResolver = (env: string | undefined) => Provenance | undefined;

export function locateFindings(findings: Finding[], resolve: ProvenanceResolver): Finding[] {
  return findings.map((f) => {
    if (f.location || f.path === undefined) return f;
    const location = resolve(f.env)?.locate(f.path);
    return location ? { ...f, location } : f;
  });
}
