/** export/output-path: `export.output.dir` must not escape the project or point into the system. */
import { getAtPath } from '../../config/path.js';
import { outputDirProblem } from '../../config/output-dir.js';
import type { NativeRuleImpl } from '../rule-evaluation.js';

export const outputPath: NativeRuleImpl = {
  id: 'export/output-path',
  evaluate(input) {
    const dir = getAtPath(input.config, ['export', 'output', 'dir']);
    if (typeof dir !== 'string') return [];
    const why = outputDirProblem(dir);
    return why
      ? [
          {
            path: 'export.output.dir',
            message: `export.output.dir "${dir}" ${why}; write exports inside the project or a dedicated data directory`,
          },
        ]
      : [];
  },
};
