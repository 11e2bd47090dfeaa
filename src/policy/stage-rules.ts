/**
 * Metadata of the rules that stages other than policy evaluation produce (the loader, the
 * schema validator, the pack loader, rule controls). They have no fixtures of their own;
 * their behaviour is tested in test/, and `explain` shows these examples.
 */
import { DRIFT_RULES } from '../drift/rules.js';
import { TERRAFORM_RULES } from '../terraform/rules.js';
import { type Rule, ruleGroup } from './rule.js';

function stageRule(r: Omit<Rule, 'group' | 'engine' | 'origin' | 'tests'>): Rule {
  return {
    ...r,
    group: ruleGroup(r.id),
    engine: 'stage',
    origin: 'builtin',
    tests: { pass: [], fail: [] },
  };
}

export const STAGE_RULES: Rule[] = [
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
  stageRule({
    id: 'schema/invalid',
    severity: 'error',
    configurable: false,
    description:
      'A document breaks its JSON Schema: wrong type, unknown key, missing field, bare-number duration.',
    rationale:
      'The schemas are the contract every later stage relies on. A bare number where a duration belongs is refused because `timeout: 30` means 30 ms to one reader and 30 s to another.',
    examples: {
      fail: 'server:\n  port: 8080\n  timeout: 30    # seconds? milliseconds?\n',
      pass: 'server:\n  port: 8080\n  timeout: 30s\n',
    },
  }),
  stageRule({
    id: 'policy/invalid',
    severity: 'error',
    configurable: false,
    description:
      'A policy pack cannot be used: a CEL expression does not parse or type-check, a rule id is defined twice, or a native rule is unknown.',
    rationale:
      'A broken rule would silently check nothing. It is reported where it is written, when the pack loads, and stops the check (exit 2).',
    examples: {
      fail: 'rules:\n  - id: team/port\n    severity: error\n    description: Port above 1024.\n    assert: server.port > "1024"   # int compared with string\n    message: too low\n',
      pass: 'rules:\n  - id: team/port\n    severity: error\n    description: Port above 1024.\n    assert: server.port > 1024\n    message: too low\n',
    },
  }),
  stageRule({
    id: 'policy/evaluation-error',
    severity: 'error',
    configurable: true,
    description:
      'A policy rule failed while evaluating on an environment (missing key, wrong type at run time, budget exceeded).',
    rationale:
      'A rule that errors has not checked anything. Guard optional fields with `has()` in `match`. Evaluation is bounded in cost, memory and time (per evaluation and per pack, see docs/policies.md), so a pathological rule fails here instead of hanging the check.',
    examples: {
      fail: 'assert: duration(probes.liveness.timeout) < duration("5s")   # probes.liveness may be absent\n',
      pass: 'match: has(probes.liveness.timeout)\nassert: duration(probes.liveness.timeout) < duration("5s")\n',
    },
  }),
  stageRule({
    id: 'policy/override-invalid',
    severity: 'warning',
    configurable: true,
    description:
      'The manifest overrides the severity of a rule that no pack defines, or of one that cannot be changed (yaml/syntax, io/read, schema/invalid, policy/invalid).',
    rationale:
      'A typo in `policies.rules` would otherwise leave the intended rule at its default severity without a word.',
    examples: {
      fail: 'policies:\n  rules:\n    export/chunk-sise: error   # no such rule\n',
      pass: 'policies:\n  rules:\n    export/chunk-size: error\n',
    },
  }),
  stageRule({
    id: 'waiver/expired',
    severity: 'error',
    configurable: true,
    description: 'A waiver is past its `expires` date; it no longer waives anything.',
    rationale:
      'Waivers are debts with a due date. When it passes, the waived findings come back and the waiver itself is reported so it is renewed with a reason or removed.',
    examples: {
      fail: 'waivers:\n  - rule: export/chunk-size\n    env: dev\n    reason: load test\n    expires: 2020-01-01\n',
      pass: 'waivers:\n  - rule: export/chunk-size\n    env: dev\n    reason: load test\n    expires: 9999-12-31\n',
    },
  }),
  stageRule({
    id: 'waiver/unused',
    severity: 'warning',
    configurable: true,
    description: 'A waiver matched no finding (the problem was fixed, or its rule, env or path is wrong).',
    rationale:
      'A waiver that waives nothing is either stale or mistyped; either way it would hide a future finding nobody meant to accept.',
    examples: {
      fail: 'waivers:\n  - rule: export/chunk-size\n    env: prod        # prod has no chunk-size finding\n    reason: load test\n',
      pass: 'waivers:\n  - rule: export/chunk-size\n    env: dev\n    path: export.chunk_size\n    reason: load test\n',
    },
  }),
  // The drift stage's rules (src/drift/rules.ts).
  ...DRIFT_RULES,
  // synth, plan-check and drift --state (src/terraform/rules.ts)
  ...TERRAFORM_RULES.map(stageRule),
];
