/**
 * The `deps/*` rules: id, default severity, description, rationale and pass/fail examples.
 * The deps stage emits findings with these default severities; the rule registry holds them
 * with every other stage's, so `explain`, docs/rules.md, SARIF's rule table, severity
 * overrides and waivers know them.
 *
 * Each example is the body of a `dependencies:` section, checked against the matrix below
 * (`EXAMPLE_MATRIX`, as `compat/ml.yaml`) in the environment `examples.env` describes;
 * test/deps/rule-examples.test.ts runs every one like ESLint's RuleTester.
 */
import { type StageRule, stageRule } from '../rules/meta.js';

/** The compatibility matrix the examples refer to as compat/ml.yaml (docs/reference.md#compatibility-matrix). */
export const EXAMPLE_MATRIX = `apiVersion: exportctl/v1
kind: CompatibilityMatrix
ecosystem: pypi
packages:
  transformers:
    - versions: ">=4.30,<4.31"
      requires:
        tokenizers: ">=0.11.1,!=0.11.3,<0.14"
  tensorflow:
    - versions: "~=2.12.0"
      requires:
        numpy: ">=1.22,<1.24"
`;

export const DEPS_RULES: readonly StageRule[] = [
  stageRule({
    id: 'deps/unpinned',
    severity: 'error',
    configurable: true,
    protectedOnly: true,
    description:
      'A protected environment has a requirement that is not an exact pin (==VERSION for pypi, VERSION for npm).',
    rationale:
      'A range resolves to whatever is newest on the day of the build, so two deployments of the same commit can run different code. Protected environments ship exactly what was tested.',
    examples: {
      fail: '# a protected environment\ndependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: ">=0.13,<0.14"\n',
      pass: '# a protected environment\ndependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: "==0.13.3"\n',
    },
  }),
  stageRule({
    id: 'deps/unsatisfiable',
    severity: 'error',
    configurable: true,
    description:
      "One package's constraints (its requirements and every applicable compatibility-matrix entry) have no version in common; the colliding constraints are named.",
    rationale:
      'An install either fails or silently ignores one of the constraints. Seen in review it is a one-line fix; seen in a deploy it is an outage.',
    examples: {
      fail: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    transformers: "==4.30.0"   # compat/ml.yaml: needs tokenizers >=0.11.1,!=0.11.3,<0.14\n    tokenizers: ">=0.14"\n  compatibility: compat/ml.yaml\n',
      pass: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    transformers: "==4.30.0"\n    tokenizers: ">=0.13,<0.14"\n  compatibility: compat/ml.yaml\n',
    },
  }),
  stageRule({
    id: 'deps/incompatible',
    severity: 'error',
    configurable: true,
    description:
      "A package's pinned or allowed versions break what another package requires of it in the compatibility matrix (or in the lockfile); both packages and the violated range are named.",
    rationale:
      'The installer may accept the combination, but the software does not work with it: the matrix records what each version was built and tested against.',
    examples: {
      fail: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tensorflow: "==2.12.0"   # compat/ml.yaml: needs numpy >=1.22,<1.24\n    numpy: "==1.24.3"\n  compatibility: compat/ml.yaml\n',
      pass: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tensorflow: "==2.12.0"\n    numpy: "==1.23.5"\n  compatibility: compat/ml.yaml\n',
    },
  }),
  stageRule({
    id: 'deps/denied',
    severity: 'error',
    configurable: true,
    description: 'A version on `dependencies.deny` is allowed by the requirements.',
    rationale:
      'A release known to be broken must be excluded by the requirements themselves, not by luck of resolution.',
    examples: {
      fail: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: ">=0.11,<0.14"\n  deny:\n    - { package: tokenizers, versions: "==0.11.3", reason: broken release }\n',
      pass: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: ">=0.11,!=0.11.3,<0.14"\n  deny:\n    - { package: tokenizers, versions: "==0.11.3", reason: broken release }\n',
    },
  }),
  stageRule({
    id: 'deps/syntax',
    severity: 'error',
    configurable: false,
    description:
      "A requirement, version range, compatibility-matrix range or lockfile line cannot be parsed in the ecosystem's syntax (PEP 440 or npm semver, pip's requirements format, package-lock v2/v3).",
    rationale:
      'A constraint that does not parse constrains nothing; it is reported where it is written instead of being skipped.',
    examples: {
      fail: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: "^0.13"   # npm syntax in a pypi project\n',
      pass: 'dependencies:\n  ecosystem: pypi\n  requirements:\n    tokenizers: "~=0.13.0"\n',
    },
  }),
];
