/**
 * Table-driven: real specifiers of both ecosystems, as packages publish them, judged by the
 * ecosystem modules (and through them by @renovatebot/pep440 and node-semver).
 */
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS } from '../../src/deps/ecosystems/index.js';

const pypi = ECOSYSTEMS.pypi;
const npm = ECOSYSTEMS.npm;

// [specifier, version, satisfies]
const PYPI_SATISFIES: [string, string, boolean][] = [
  // the ML stack
  ['==2.12.0', '2.12.0', true],
  ['==2.12.0', '2.12.1', false],
  ['==2.12.*', '2.12.1', true],
  ['==2.12.*', '2.13.0', false],
  ['!=2.12.*', '2.12.3', false],
  ['~=2.12.0', '2.12.9', true],
  ['~=2.12.0', '2.13.0', false],
  ['~=2.12', '2.13.0', true],
  ['~=2.12', '3.0', false],
  ['==1.13.0+cu117', '1.13.0+cu117', true],
  ['==1.13.0+cu117', '1.13.0', false],
  ['==1.13.0+cu117', '1.13.0+cu118', false],
  ['==1.13.0', '1.13.0+cu117', true], // a public pin admits local builds
  ['!=1.13.0', '1.13.0+cu117', false],
  ['!=1.13.0+cu117', '1.13.0+cu118', true],
  ['!=1.13.0+cu117', '1.13.0+cu117', false],
  ['==1.13.0+CU117', '1.13.0+cu117', true],
  ['>=1.13,<2,!=1.13.0+cpu', '1.13.0+cpu', false],
  ['>=1.13,<2', '1.13.0+cu117', true],
  ['==4.30.0', '4.30.0', true],
  ['>=4.30,<4.31', '4.30.2', true],
  ['>=4.30,<4.31', '4.31.0', false],
  ['>=0.11.1,!=0.11.3,<0.14', '0.13.3', true],
  ['>=0.11.1,!=0.11.3,<0.14', '0.11.3', false],
  ['>=0.11.1,!=0.11.3,<0.14', '0.14.0', false],
  ['>=0.11.1,!=0.11.3,<0.14', '0.11.0', false],
  ['>=0.13,<0.14', '0.13.3', true],
  ['>=0.14', '0.14.1', true],
  ['>=1.22,<1.24', '1.23.5', true],
  ['>=1.22,<1.24', '1.24.3', false],
  ['>=3.20.3,<5.0.0dev,!=4.21.0,!=4.21.1', '4.21.1', false],
  ['>=3.20.3,<5.0.0dev,!=4.21.0,!=4.21.1', '4.23.4', true],
  ['>=3.20.3,<5.0.0dev', '5.0.0rc1', false],
  // pre-, post- and dev-releases
  ['>=2.0', '2.1rc1', false], // pre-releases only when asked for
  ['>=2.1rc1', '2.1rc2', true],
  ['>=2.1rc1', '2.1', true],
  ['==2.1rc1', '2.1rc1', true],
  ['<2.0', '2.0rc1', false],
  ['>1.0', '1.0.post1', false], // > excludes post-releases of the version itself
  ['>=1.0', '1.0.post1', true],
  ['==1.0.post1', '1.0.post1', true],
  ['<1.0', '1.0.dev0', false],
  ['>=1.0.dev0', '1.0.dev3', true],
  ['==3.0.0b1', '3.0.0b1', true],
  // epochs
  ['>=1!1.0', '2.0', false],
  ['>=1!1.0', '1!1.1', true],
  ['<1!0', '2024.1', true],
  // arbitrary equality
  ['===1.0', '1.0', true],
  ['===1.0', '1.0.0', false],
  // any version
  ['', '1.2.3', true],
  ['', '1.2.3rc1', false],
];

const NPM_SATISFIES: [string, string, boolean][] = [
  ['^1.2.3', '1.9.0', true],
  ['^1.2.3', '2.0.0', false],
  ['^0.2.3', '0.2.9', true],
  ['^0.2.3', '0.3.0', false],
  ['^0.0.3', '0.0.4', false],
  ['~1.2.3', '1.2.9', true],
  ['~1.2.3', '1.3.0', false],
  ['~1.2', '1.2.0', true],
  ['1.x', '1.99.0', true],
  ['1.x', '2.0.0', false],
  ['1.2.x', '1.2.7', true],
  ['*', '3.1.4', true],
  ['*', '3.1.4-beta.1', false],
  ['1.2.3 - 2.3.4', '2.3.4', true],
  ['1.2.3 - 2.3', '2.3.9', true],
  ['1.2.3 - 2.3', '2.4.0', false],
  ['^1.0.0 || ^3.0.0', '3.2.0', true],
  ['^1.0.0 || ^3.0.0', '2.2.0', false],
  ['>=1.2.3-beta.2 <2', '1.2.3-beta.3', true],
  ['>=1.2.3-beta.2 <2', '1.2.4-beta.1', false], // other tuples' pre-releases stay out
  ['^1.2.3-beta.2', '1.2.3', true],
  ['1.2.3', '1.2.3', true],
  ['=1.2.3', '1.2.4', false],
  ['<2.0.0', '2.0.0-rc.1', false],
  ['^4.17.21', '4.17.21', true],
];

describe('pypi: PEP 440 specifiers as pip judges them', () => {
  it.each(PYPI_SATISFIES)('"%s" against %s → %s', (spec, version, expected) => {
    expect(pypi.satisfies(version, spec)).toBe(expected);
  });
});

describe('npm: node-semver ranges as npm judges them', () => {
  it.each(NPM_SATISFIES)('"%s" against %s → %s', (spec, version, expected) => {
    expect(npm.satisfies(version, spec)).toBe(expected);
  });
});

// [specifier, pin or null]
const PYPI_PINS: [string, string | null][] = [
  ['==2.12.0', '2.12.0'],
  ['==1.13.0+cu117', '1.13.0+cu117'],
  ['===1.0', '1.0'],
  ['==4.30.0', '4.30.0'],
  ['==2.12.*', null],
  ['~=2.12.0', null],
  ['>=0.13,<0.14', null],
  ['>=0.11.1,!=0.11.3,<0.14', null],
  ['!=1.0', null],
  ['', null],
];
const NPM_PINS: [string, string | null][] = [
  ['1.2.3', '1.2.3'],
  ['=1.2.3', '1.2.3'],
  ['v1.2.3', '1.2.3'],
  ['1.2.3-beta.1', '1.2.3-beta.1'],
  ['^1.2.3', null],
  ['~1.2.3', null],
  ['1.2', null],
  ['1.x', null],
  ['*', null],
  ['>=1.2.3 <=1.2.3', null],
];

describe('exact pins', () => {
  it.each(PYPI_PINS)('pypi "%s" pins %s', (text, pin) => {
    const p = pypi.parseSpecifier(text);
    expect(p.ok).toBe(true);
    if (p.ok) expect(p.spec.pin ?? null).toBe(pin);
  });
  it.each(NPM_PINS)('npm "%s" pins %s', (text, pin) => {
    const p = npm.parseSpecifier(text);
    expect(p.ok).toBe(true);
    if (p.ok) expect(p.spec.pin ?? null).toBe(pin);
  });
});

// [specifier, message pattern]
const PYPI_INVALID: [string, RegExp][] = [
  ['^0.13', /npm syntax; PEP 440 writes compatible releases as ~=X\.Y/],
  ['~0.13', /npm syntax/],
  ['*', /"\*" is not PEP 440/],
  ['2.12.0', /no operator; an exact pin is written "==2\.12\.0"/],
  ['~=2', /~= needs at least two release segments/],
  ['>=1.13.0+cu117', /local version .* only allowed with == and !=/],
  ['>=2.12.*', /wildcard is only allowed with == and !=/],
  ['>=0.13,', /empty clause/],
  ['>=0.13,<<0.14', /"<<0\.14" is not a valid PEP 440 specifier/],
  ['== 1.0 beta', /not a valid PEP 440 specifier/],
];
const NPM_INVALID: [string, RegExp][] = [
  ['==1.2.3', /not a valid npm semver range .*PEP 440 syntax/],
  ['>=1.2.3 <', /not a valid npm semver range/],
];

describe('invalid specifiers are refused with a message that says why', () => {
  it.each(PYPI_INVALID)('pypi "%s"', (text, pattern) => {
    const p = pypi.parseSpecifier(text);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(pattern);
  });
  it.each(NPM_INVALID)('npm "%s"', (text, pattern) => {
    const p = npm.parseSpecifier(text);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(pattern);
  });
  it('npm dist-tags and URLs are references, not ranges', () => {
    for (const t of [
      'latest',
      'next',
      'file:../lib',
      'github:user/repo#v1',
      'git+https://example.com/x.git',
      'user/repo',
    ]) {
      const p = npm.parseSpecifier(t);
      expect(p.ok && p.spec.kind, t).toBe('reference');
    }
  });
});

describe('names', () => {
  it('pypi names compare by PEP 503 normalisation', () => {
    expect(pypi.normalizeName('Typing_Extensions')).toBe('typing-extensions');
    expect(pypi.normalizeName('huggingface.hub')).toBe('huggingface-hub');
    expect(pypi.isValidName('tensorflow-io-gcs-filesystem')).toBe(true);
    expect(pypi.isValidName('-bad')).toBe(false);
  });
  it('npm names are exact, scopes allowed', () => {
    expect(npm.normalizeName('@types/node')).toBe('@types/node');
    expect(npm.isValidName('@types/node')).toBe(true);
    expect(npm.isValidName('Express')).toBe(false);
  });
});
