/**
 * The loader's rules: a file that cannot be read or parsed (config/read-file.ts,
 * config/load-document.ts) or that no checked environment reads (check's `io/unused-file`).
 * They have no fixtures; test/config and test/check cover them, and `explain` shows these
 * examples.
 */
import { type StageRule, stageRule } from '../rules/meta.js';

export const LOADER_RULES: readonly StageRule[] = [
  stageRule({
    id: 'yaml/syntax',
    severity: 'error',
    configurable: false,
    description:
      'A file cannot be parsed: YAML syntax, duplicate keys, alias bombs, custom tags, several documents, invalid UTF-8 or binary content.',
    rationale:
      'A file that does not parse has no meaning to check. Duplicate keys and unresolved tags are errors rather than warnings because a YAML parser would otherwise pick one value silently.',
    examples: {
      fail: 'server:\n  port: 8080\n  port: 9090   # duplicate key\n',
      pass: 'server:\n  port: 8080\n',
    },
  }),
  stageRule({
    id: 'io/read',
    severity: 'error',
    configurable: false,
    description:
      'A file the project names cannot be read: missing, not permitted, a directory where a file belongs, a device, a FIFO, a socket or a symbolic-link loop.',
    rationale:
      'A base, overlay or policy path that does not exist usually means a typo or a file left out of a commit; checking without it would pass for the wrong reason. Devices and FIFOs (`/dev/zero`, `/dev/stdin`) are refused without being read, so a manifest line cannot hang a CI job.',
    examples: { fail: 'base: config/bsae.yaml   # no such file\n', pass: 'base: config/base.yaml\n' },
  }),
  stageRule({
    id: 'io/too-large',
    severity: 'error',
    configurable: false,
    description:
      'A file is larger than exportctl reads for its kind (8 MiB for configs, packs, matrices and lockfiles; 32 MiB for Terraform state and plans), or a policy directory is too big to search.',
    rationale:
      'No real config is that large; the cap is checked before reading, so time and memory stay bounded whatever a path names.',
    examples: {
      fail: 'policies:\n  paths: [huge.yaml]   # a 20 MiB file\n',
      pass: 'policies:\n  paths: [policies/]\n',
    },
  }),
  stageRule({
    id: 'io/outside-project',
    severity: 'error',
    configurable: false,
    description:
      "A path the project names leads outside the project's git repository (or the project directory outside git), as written or through a symbolic link.",
    rationale:
      'A policy pack or lockfile path such as `../../etc` would otherwise make every checkout read, and quote in its messages, files that are not part of the project. List the directories a project really shares under `allow_outside_paths` in the manifest.',
    examples: {
      fail: 'policies:\n  paths: [../../etc]\n',
      pass: 'allow_outside_paths: [../team-policies]\npolicies:\n  paths: [../team-policies]\n',
    },
  }),
  stageRule({
    id: 'io/unused-file',
    severity: 'warning',
    configurable: true,
    description:
      'A file given to `check` belongs to a project but no checked environment reads it; it is still checked for syntax and against the schema of its kind.',
    rationale:
      'A pre-commit hook passes the changed files: a new overlay that the manifest does not list yet would otherwise pass unchecked, and it does nothing until it is referenced.',
    examples: {
      fail: 'environments:\n  dev: { overlay: config/envs/dev.yaml }   # config/envs/qa.yaml is listed nowhere\n',
      pass: 'environments:\n  dev: { overlay: config/envs/dev.yaml }\n  qa: { overlay: config/envs/qa.yaml }\n',
    },
  }),
];
