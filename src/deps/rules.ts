/**
 * Metadata of the `deps/*` rules, as plain data: id, default severity, description, rationale
 * and pass/fail examples. The check stage emits findings with these default severities;
 * `explain`, docs/rules.md and SARIF's rule table are to read this one list (through the
 * policy engine's registry once it is in main: it maps onto its "stage" rules directly).
 */
import type { Severity } from '../diagnostics/finding.js';

export interface DepsRuleMeta {
  id: string;
  severity: Severity;
  /** Whether the manifest may change its severity or turn it off. */
  configurable: boolean;
  description: string;
  rationale: string;
  examples: { pass: string; fail: string };
}

export const DEPS_RULES: readonly DepsRuleMeta[] = [
  {
    id: 'deps/unpinned',
    severity: 'error',
    configurable: true,
    description:
      'A protected environment has a requirement that is not an exact pin (==VERSION for pypi, VERSION for npm).',
    rationale:
      'A range resolves to whatever is newest on the day of the build, so two deployments of the same commit can run different code. Protected environments ship exactly what was tested.',
    examples: {
      fail: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: ">=0.13,<0.14"   # in a protected environment\n',
      pass: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: "==0.13.3"\n',
    },
  },
  {
    id: 'deps/unsatisfiable',
    severity: 'error',
    configurable: true,
    description:
      "One package's constraints (its requirements and every applicable compatibility-matrix entry) have no version in common; the colliding constraints are named.",
    rationale:
      'An install either fails or silently ignores one of the constraints. Seen in review it is a one-line fix; seen in a deploy it is an outage.',
    examples: {
      fail: 'requirements:\n  transformers: "==4.30.0"   # the matrix: needs tokenizers >=0.11.1,!=0.11.3,<0.14\n  tokenizers: ">=0.14"\n',
      pass: 'requirements:\n  transformers: "==4.30.0"\n  tokenizers: ">=0.13,<0.14"\n',
    },
  },
  {
    id: 'deps/incompatible',
    severity: 'error',
    configurable: true,
    description:
      "A package's pinned or allowed versions break what another package requires of it in the compatibility matrix (or in the lockfile); both packages and the violated range are named.",
    rationale:
      'The installer may accept the combination, but the software does not work with it: the matrix records what each version was built and tested against.',
    examples: {
      fail: 'requirements:\n  transformers: "==4.30.0"   # the matrix: needs tokenizers <0.14\n  tokenizers: "==0.14.1"\n',
      pass: 'requirements:\n  transformers: "==4.30.0"\n  tokenizers: "==0.13.3"\n',
    },
  },
  {
    id: 'deps/denied',
    severity: 'error',
    configurable: true,
    description: 'A version on `dependencies.deny` is allowed by the requirements.',
    rationale:
      'A release known to be broken must be excluded by the requirements themselves, not by luck of resolution.',
    examples: {
      fail: 'requirements:\n  tokenizers: ">=0.11,<0.14"\ndeny:\n  - { package: tokenizers, versions: "==0.11.3", reason: broken release }\n',
      pass: 'requirements:\n  tokenizers: ">=0.11,!=0.11.3,<0.14"\ndeny:\n  - { package: tokenizers, versions: "==0.11.3", reason: broken release }\n',
    },
  },
  {
    id: 'deps/syntax',
    severity: 'error',
    configurable: false,
    description:
      "A requirement, version range, compatibility-matrix range or lockfile line cannot be parsed in the ecosystem's syntax (PEP 440 / npm semver, pip requirements format, package-lock v2/v3).",
    rationale:
      'A constraint that does not parse constrains nothing; it is reported where it is written instead of being skipped.',
    examples: {
      fail: 'requirements:\n  tokenizers: "^0.13"   # npm syntax in a pypi project\n',
      pass: 'requirements:\n  tokenizers: "~=0.13.0"\n',
    },
  },
];

export function depsRule(id: string): DepsRuleMeta | undefined {
  return DEPS_RULES.find((r) => r.id === id);
}
