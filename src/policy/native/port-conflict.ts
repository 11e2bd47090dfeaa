/** server/port-conflict: two listeners of one environment cannot bind the same port. */
import { formatPath, getAtPath, type PathSegment } from '../../config/path.js';
import type { NativeRuleImpl, Violation } from '../rule-evaluation.js';

/** Every port the exporter service listens on (add new listeners here). */
export const LISTENERS: Array<{ path: PathSegment[]; what: string }> = [
  { path: ['server', 'port'], what: 'the HTTP API' },
  { path: ['monitoring', 'metrics', 'port'], what: 'the metrics endpoint' },
];

export const portConflict: NativeRuleImpl = {
  id: 'server/port-conflict',
  evaluate(input) {
    const out: Violation[] = [];
    const taken = new Map<number, { path: PathSegment[]; what: string }>();
    for (const l of LISTENERS) {
      const port = getAtPath(input.config, l.path);
      if (typeof port !== 'number') continue;
      const first = taken.get(port);
      if (first) {
        out.push({
          path: formatPath(l.path),
          message: `${formatPath(l.path)} ${port} is already taken by ${formatPath(first.path)} (${first.what}): two listeners cannot share a port`,
        });
      } else taken.set(port, l);
    }
    return out;
  },
};
