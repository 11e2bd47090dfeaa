/**
 * Each deps/* rule through `checkProject` on real project files: what fires, where it points
 * (inline requirements through provenance, lockfile and matrix lines directly) and what it says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import { check, cleanupProjects, MANIFEST, writeProject } from './project.js';

afterAll(cleanupProjects);

const ML_MATRIX = `apiVersion: exportctl/v1
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
  torch:
    - versions: "==1.13.0+cu117"
      requires: {}
`;

describe('a consistent ML stack passes', () => {
  it('tensorflow 2.12.0, torch 1.13.0+cu117, transformers 4.30.0, tokenizers 0.13.3: no finding', () => {
    const dir = writeProject(
      `  ecosystem: pypi
  requirements:
    tensorflow: "==2.12.0"
    torch: "==1.13.0+cu117"
    transformers: "==4.30.0"
    tokenizers: "==0.13.3"
    numpy: "==1.23.5"
  compatibility: compat/ml.yaml
  deny:
    - { package: tokenizers, versions: "==0.11.3", reason: broken release }
`,
      { 'compat/ml.yaml': ML_MATRIX },
    );
    const r = check(dir);
    expect(r.findings).toEqual([]);
    expect(r.fatal).toBe(false);
    expect(r.files).toContain(join(dir, 'compat/ml.yaml'));
  });
});

describe('deps/unpinned', () => {
  it('fires in the protected environment only, at the requirement', () => {
    const dir = writeProject(
      `  ecosystem: pypi
  requirements:
    tokenizers: ">=0.13,<0.14"
    torch: "==1.13.0+cu117"
    tensorflow: "==2.12.*"
`,
    );
    const r = check(dir);
    expect(r.at('deps/unpinned')).toEqual(['prod config/base.yaml:17:17', 'prod config/base.yaml:19:17']);
    expect(r.findings.find((f) => f.rule === 'deps/unpinned')?.message).toBe(
      'tokenizers ">=0.13,<0.14" is not an exact pin; protected environment prod needs exact pins (==VERSION)',
    );
  });

  it('an overlay that loosens a pin is reported in the overlay', () => {
    const dir = writeProject(`  ecosystem: pypi\n  requirements:\n    tokenizers: "==0.13.3"\n`, {
      'config/envs/prod.yaml': 'dependencies:\n  requirements:\n    tokenizers: "~=0.13.3"\n',
    });
    expect(check(dir).at('deps/unpinned')).toEqual(['prod config/envs/prod.yaml:3:17']);
  });

  it('lockfile lines: editables are unpinned, direct URLs and == pins are not', () => {
    const dir = writeProject(`  ecosystem: pypi\n  lockfile: requirements.txt\n`, {
      'requirements.txt':
        'numpy==1.23.5\nrequests @ https://files.example.com/requests-2.31.0-py3-none-any.whl\n-e git+https://github.com/example/plugins.git#egg=plugins\nsix\n',
    });
    const r = check(dir);
    expect(r.at('deps/unpinned')).toEqual(['prod requirements.txt:3:1', 'prod requirements.txt:4:1']);
    expect(r.findings.find((f) => f.location?.line === 4)?.message).toMatch(
      /six any version is not an exact pin/,
    );
  });

  it('npm: a package-lock pins everything; an inline range does not', () => {
    const dir = writeProject(
      `  ecosystem: npm\n  lockfile: package-lock.json\n  requirements:\n    left-pad: "^1.3.0"\n`,
      {
        'package-lock.json': readFileSync(
          join(import.meta.dirname, 'fixtures/npm/package-lock.json'),
          'utf8',
        ),
      },
    );
    const r = check(dir);
    expect(r.at('deps/unpinned')).toEqual(['prod config/base.yaml:18:15']);
    expect(r.findings.find((f) => f.rule === 'deps/unpinned')?.message).toMatch(
      /needs exact pins \(VERSION, not a range\)/,
    );
  });
});

describe('deps/unsatisfiable', () => {
  it('the classic clash: transformers 4.30.0 needs tokenizers <0.14, the requirement says >=0.14', () => {
    const dir = writeProject(
      `  ecosystem: pypi
  requirements:
    transformers: "==4.30.0"
    tokenizers: ">=0.14"
  compatibility: compat/ml.yaml
`,
      { 'compat/ml.yaml': ML_MATRIX },
    );
    const r = check(dir);
    expect(r.at('deps/unsatisfiable')).toEqual(['dev config/base.yaml:18:17', 'prod config/base.yaml:18:17']);
    expect(r.findings.find((f) => f.rule === 'deps/unsatisfiable')?.message).toBe(
      'no version of tokenizers satisfies all its constraints: ">=0.14" (requirement in config/base.yaml:18) and "<0.14" of ">=0.11.1,!=0.11.3,<0.14" (required by transformers ==4.30.0 per compat/ml.yaml:8) cannot both hold',
    );
    expect(r.findings.find((f) => f.rule === 'deps/unsatisfiable')?.path).toBe(
      'dependencies.requirements.tokenizers',
    );
    expect(r.at('deps/incompatible')).toEqual([]);
  });

  it('the same clash stated in a requirements.txt points at its line', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  lockfile: requirements.txt\n  compatibility: compat/ml.yaml\n`,
      {
        'compat/ml.yaml': ML_MATRIX,
        'requirements.txt': '# pinned by hand\ntransformers==4.30.0\n\ntokenizers >= 0.14  # too new\n',
      },
    );
    expect(check(dir).at('deps/unsatisfiable')).toEqual([
      'dev requirements.txt:4:1',
      'prod requirements.txt:4:1',
    ]);
  });

  it('two requirements of one package that contradict (inline and lockfile)', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    numpy: "==1.23.5"\n  lockfile: requirements.txt\n`,
      {
        'requirements.txt': 'numpy==1.24.3\n',
      },
    );
    const r = check(dir);
    expect(r.at('deps/unsatisfiable')[0]).toBe('dev config/base.yaml:17:12');
    expect(r.findings[0].message).toMatch(
      /"==1\.23\.5" \(requirement in config\/base\.yaml:17\) and "==1\.24\.3" \(requirement in requirements\.txt:1\) cannot both hold/,
    );
  });

  it('two packages that need incompatible ranges of a third, which nothing requires directly', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    tensorflow: "==2.12.0"\n    pandas: "==2.2.0"\n  compatibility: compat/ml.yaml\n`,
      {
        'compat/ml.yaml': `${ML_MATRIX}  pandas:\n    - versions: ">=2.2"\n      requires:\n        numpy: ">=1.26.0"\n`,
      },
    );
    const r = check(dir);
    expect(r.at('deps/unsatisfiable')).toEqual(['dev compat/ml.yaml:12:16', 'prod compat/ml.yaml:12:16']);
    expect(r.findings[0].message).toMatch(
      /no version of numpy .*"<1\.24" of ">=1\.22,<1\.24" \(required by tensorflow ==2\.12\.0 per compat\/ml\.yaml:12\) and ">=1\.26\.0" \(required by pandas ==2\.2\.0 per compat\/ml\.yaml:19\)/,
    );
  });

  it('requirements under different environment markers are alternatives, not a contradiction', () => {
    const dir = writeProject(`  ecosystem: pypi\n  lockfile: requirements.txt\n`, {
      'requirements.txt':
        'numpy==1.23.5; python_version < "3.12"\nnumpy==1.26.4; python_version >= "3.12"\nscipy==1.11.4\nscipy==1.12.0 ; sys_platform == "darwin"\n',
    });
    const r = check(dir);
    // numpy: one pin per marker; scipy: an unconditional pin against a conditional one.
    expect(r.at('deps/unsatisfiable')).toEqual(['dev requirements.txt:3:1', 'prod requirements.txt:3:1']);
  });
});

describe('deps/incompatible', () => {
  it('a pin outside the range the matrix requires names both packages and the range', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    transformers: "==4.30.0"\n    tokenizers: "==0.14.1"\n  compatibility: compat/ml.yaml\n`,
      { 'compat/ml.yaml': ML_MATRIX },
    );
    const r = check(dir);
    expect(r.at('deps/incompatible')).toEqual(['dev config/base.yaml:18:17', 'prod config/base.yaml:18:17']);
    expect(r.findings[0].message).toBe(
      'tokenizers 0.14.1 breaks the compatibility matrix: transformers ==4.30.0 requires tokenizers ">=0.11.1,!=0.11.3,<0.14" (compat/ml.yaml:8)',
    );
    expect(r.at('deps/unsatisfiable')).toEqual([]);
  });

  it('a range that reaches past the matrix says which version breaks it', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    tensorflow: "==2.12.0"\n    numpy: ">=1.23"\n  compatibility: compat/ml.yaml\n`,
      { 'compat/ml.yaml': ML_MATRIX },
    );
    const r = check(dir);
    expect(r.findings.filter((f) => f.env === 'dev').map((f) => f.message)).toEqual([
      'numpy ">=1.23" allows 1.24, which breaks the compatibility matrix: tensorflow ==2.12.0 requires numpy ">=1.22,<1.24" (compat/ml.yaml:12)',
    ]);
  });

  it('matrix entries apply only to the versions they cover', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    transformers: "==4.31.0"\n    tokenizers: "==0.14.1"\n  compatibility: compat/ml.yaml\n`,
      { 'compat/ml.yaml': ML_MATRIX },
    );
    expect(check(dir).findings).toEqual([]);
  });

  it('entries apply transitively: A pins B into a range whose entry constrains C', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    a: "==1.0"\n    c: "==1.5"\n  compatibility: compat/m.yaml\n`,
      {
        'compat/m.yaml':
          'apiVersion: exportctl/v1\nkind: CompatibilityMatrix\necosystem: pypi\npackages:\n  a:\n    - versions: "==1.0"\n      requires: { b: ">=2,<3" }\n  b:\n    - versions: ">=2"\n      requires: { c: "<1" }\n',
      },
    );
    const r = check(dir);
    expect(r.at('deps/incompatible')).toEqual(['dev config/base.yaml:18:8', 'prod config/base.yaml:18:8']);
    expect(r.findings[0].message).toMatch(/c 1\.5 breaks the compatibility matrix: b >=2,<3 requires c "<1"/);
  });

  it('torch: a CUDA build pin against the matrix entry for another build', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    torchvision: "==0.14.0+cu117"\n    torch: "==1.13.0+cu118"\n  compatibility: compat/m.yaml\n`,
      {
        'compat/m.yaml':
          'apiVersion: exportctl/v1\nkind: CompatibilityMatrix\necosystem: pypi\npackages:\n  torchvision:\n    - versions: "==0.14.0+cu117"\n      requires: { torch: "==1.13.0+cu117" }\n',
      },
    );
    expect(check(dir).findings[0]?.message).toBe(
      'torch 1.13.0+cu118 breaks the compatibility matrix: torchvision ==0.14.0+cu117 requires torch "==1.13.0+cu117" (compat/m.yaml:7)',
    );
  });

  it('a constraints file (-c) pins a package only the matrix brings in', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  lockfile: requirements.txt\n  compatibility: compat/ml.yaml\n`,
      {
        'compat/ml.yaml': ML_MATRIX,
        'requirements.txt': '-c constraints.txt\ntensorflow==2.12.0\n',
        'constraints.txt': '# organisation-wide pins\nnumpy==1.24.3\npandas==2.2.0\n',
      },
    );
    const r = check(dir);
    expect(r.at('deps/incompatible')).toEqual(['dev constraints.txt:2:1', 'prod constraints.txt:2:1']);
    expect(r.findings.map((f) => f.rule)).toEqual(['deps/incompatible', 'deps/incompatible']);
  });

  it('npm: a locked package outside the range another locked package declares', () => {
    const dir = writeProject(`  ecosystem: npm\n  lockfile: package-lock.json\n`, {
      'package-lock.json': readFileSync(join(import.meta.dirname, 'fixtures/npm/conflict-lock.json'), 'utf8'),
    });
    const r = check(dir);
    expect(r.at('deps/incompatible')).toEqual([
      'dev package-lock.json:24:18',
      'prod package-lock.json:24:18',
    ]);
    expect(r.findings[0].message).toBe(
      'cookie 0.6.0 breaks the lockfile: express 4.18.2 requires cookie "0.5.0" (package-lock.json:45)',
    );
  });

  it('npm: the consistent lock (nested copies honoured) passes', () => {
    const dir = writeProject(`  ecosystem: npm\n  lockfile: package-lock.json\n`, {
      'package-lock.json': readFileSync(join(import.meta.dirname, 'fixtures/npm/package-lock.json'), 'utf8'),
    });
    const r = check(dir);
    expect(r.findings).toEqual([]);
    expect(r.files).toContain(join(dir, 'package-lock.json'));
  });
});

describe('deps/denied', () => {
  it('a range that admits a denied release', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    tokenizers: ">=0.11,<0.14"\n  deny:\n    - { package: tokenizers, versions: "==0.11.3", reason: broken release }\n`,
    );
    const r = check(dir);
    expect(r.at('deps/denied')).toEqual(['dev config/base.yaml:17:17', 'prod config/base.yaml:17:17']);
    expect(r.findings.find((f) => f.rule === 'deps/denied')?.message).toBe(
      'tokenizers ">=0.11,<0.14" allows 0.11.3, which the deny list forbids ("==0.11.3": broken release, config/base.yaml:19)',
    );
  });

  it('not when the requirement excludes it, nor for a package not required', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    tokenizers: ">=0.11,!=0.11.3,<0.14"\n  deny:\n    - { package: tokenizers, versions: "==0.11.3" }\n    - { package: protobuf, versions: "==4.21.0" }\n`,
    );
    expect(check(dir).findings.filter((f) => f.rule !== 'deps/unpinned')).toEqual([]);
  });

  it('npm: a denied version inside a caret range', () => {
    const dir = writeProject(
      `  ecosystem: npm\n  requirements:\n    ua-parser-js: "^0.7.28"\n  deny:\n    - { package: ua-parser-js, versions: "0.7.29 || 0.8.0 || 1.0.0", reason: hijacked release }\n`,
    );
    expect(check(dir).findings.find((f) => f.rule === 'deps/denied')?.message).toMatch(
      /ua-parser-js "\^0\.7\.28" allows 0\.7\.29/,
    );
  });
});

describe('syntax and unusable inputs', () => {
  it('an invalid inline specifier is deps/syntax at its value', () => {
    const dir = writeProject(`  ecosystem: pypi\n  requirements:\n    tokenizers: "^0.13"\n`);
    const r = check(dir);
    expect(r.at('deps/syntax')).toEqual(['dev config/base.yaml:17:17', 'prod config/base.yaml:17:17']);
    expect(r.findings[0].message).toMatch(/npm syntax/);
  });

  it('a lockfile of the other ecosystem is refused', () => {
    const dir = writeProject(`  ecosystem: npm\n  lockfile: requirements.txt\n`, {
      'requirements.txt': 'six==1.16.0\n',
    });
    expect(check(dir).findings[0]).toMatchObject({ rule: 'deps/syntax', location: { line: 16, column: 13 } });
  });

  it('a missing lockfile is io/read at dependencies.lockfile; not fatal', () => {
    const dir = writeProject(`  ecosystem: pypi\n  lockfile: requirements.txt\n`);
    const r = check(dir);
    expect(r.findings[0]).toMatchObject({ rule: 'io/read', location: { line: 16, column: 13 } });
    expect(r.fatal).toBe(false);
  });

  it('a matrix that breaks its schema is reported in the matrix and stops the check (exit 2)', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements: { six: "==1.16.0" }\n  compatibility: compat/m.yaml\n`,
      {
        'compat/m.yaml':
          'apiVersion: exportctl/v1\nkind: CompatibilityMatrix\necosystem: pypi\npackages:\n  six:\n    - versoins: ">=1"\n',
      },
    );
    const r = checkProject({ cwd: dir });
    expect(r.fatal).toBe(true);
    const f = r.findings.find((x) => x.location?.file.endsWith('m.yaml'));
    expect(f).toMatchObject({ rule: 'schema/invalid', location: { line: 6, column: 7 } });
  });

  it('a missing matrix is fatal', () => {
    const dir = writeProject(`  ecosystem: pypi\n  compatibility: compat/none.yaml\n`);
    const r = checkProject({ cwd: dir });
    expect(r.fatal).toBe(true);
    expect(
      r.findings.some(
        (f) => f.rule === 'io/read' && f.location?.line === 16 && f.location.file.endsWith('base.yaml'),
      ),
    ).toBe(true);
  });

  it('a bad range in the matrix is deps/syntax at its line; the rest of the matrix still applies', () => {
    const dir = writeProject(
      `  ecosystem: pypi\n  requirements:\n    transformers: "==4.30.0"\n    tokenizers: "==0.14.1"\n  compatibility: compat/m.yaml\n`,
      { 'compat/m.yaml': ML_MATRIX.replace('"~=2.12.0"', '"^2.12.0"') },
    );
    const r = check(dir);
    expect(r.fatal).toBe(false);
    expect(r.at('deps/syntax')).toEqual(['- compat/m.yaml:10:17']);
    expect(r.at('deps/incompatible')).toHaveLength(2);
  });

  it('a matrix of the other ecosystem is fatal', () => {
    const dir = writeProject(`  ecosystem: npm\n  compatibility: compat/m.yaml\n`, {
      'compat/m.yaml': ML_MATRIX,
    });
    expect(checkProject({ cwd: dir }).fatal).toBe(true);
  });
});

describe('rule controls apply to deps findings like any other', () => {
  it('a severity override and a waiver with a path', () => {
    const dir = writeProject(
      `  ecosystem: pypi
  lockfile: requirements.txt
  compatibility: compat/ml.yaml
`,
      {
        'compat/ml.yaml': ML_MATRIX,
        'requirements.txt': 'transformers==4.30.0\ntokenizers>=0.14\n',
        'exportctl.yaml': `${MANIFEST}policies:
  rules:
    deps/unpinned: warning
waivers:
  - rule: deps/unsatisfiable
    env: dev
    path: dependencies.requirements.tokenizers
    reason: dev tries the next tokenizers
    expires: 9999-12-31
`,
      },
    );
    const r = check(dir);
    expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.env}`).sort()).toEqual([
      'deps/unpinned warning prod',
      'deps/unsatisfiable error prod',
    ]);
  });
});
