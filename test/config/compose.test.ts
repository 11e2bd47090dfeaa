import { describe, expect, it } from 'vitest';
import { composeEnvironment } from '../../src/config/compose.js';
import { parseDocumentText } from '../../src/config/load-document.js';

function compose(base: string, overlay?: string) {
  const b = parseDocumentText(base, '/p/base.yaml').doc!;
  const o = overlay === undefined ? undefined : parseDocumentText(overlay, '/p/envs/dev.yaml').doc!;
  return composeEnvironment(b, o, { name: 'dev', protected: false });
}

describe('composeEnvironment', () => {
  it('merges maps deeply and keeps base provenance for untouched values', () => {
    const eff = compose('server:\n  host: 0.0.0.0\n  port: 8080\n', 'server:\n  host: 127.0.0.1\n');
    expect(eff.values).toEqual({ server: { host: '127.0.0.1', port: 8080 } });
    expect(eff.provenance.locate('server.host')).toMatchObject({
      file: '/p/envs/dev.yaml',
      line: 2,
      column: 9,
    });
    expect(eff.provenance.locate('server.port')).toMatchObject({ file: '/p/base.yaml', line: 3, column: 9 });
  });

  it('merges lists of named items by name, appending new ones', () => {
    const eff = compose(
      'alerts:\n  - { name: a, threshold: 1, for: 5m }\n  - { name: b, threshold: 2 }\n',
      'alerts:\n  - { name: b, threshold: 20 }\n  - { name: c, threshold: 3 }\n',
    );
    expect(eff.values.alerts).toEqual([
      { name: 'a', threshold: 1, for: '5m' },
      { name: 'b', threshold: 20 },
      { name: 'c', threshold: 3 },
    ]);
    expect(eff.provenance.locate('alerts[1].threshold')).toMatchObject({ file: '/p/envs/dev.yaml', line: 2 });
    expect(eff.provenance.locate('alerts[0].for')).toMatchObject({ file: '/p/base.yaml', line: 2 });
    expect(eff.provenance.locate('alerts[2].threshold')).toMatchObject({ file: '/p/envs/dev.yaml', line: 3 });
  });

  it('replaces any other list whole', () => {
    const eff = compose('email: [a@x.io, b@x.io]\n', 'email: [c@x.io]\n');
    expect(eff.values.email).toEqual(['c@x.io']);
    expect(eff.provenance.locate('email[0]')).toMatchObject({ file: '/p/envs/dev.yaml' });
    expect(eff.provenance.origin('email[1]')).toBeUndefined();
  });

  it('replaces a named list whole when the overlay list has unnamed items', () => {
    const eff = compose('cols:\n  - { name: a }\n', 'cols:\n  - { from: b }\n');
    expect(eff.values.cols).toEqual([{ from: 'b' }]);
  });

  it('deletes a key set to null, with its provenance', () => {
    const eff = compose('toggles:\n  fallback: { enabled: true }\nserver: { port: 1 }\n', 'toggles: null\n');
    expect(eff.values).toEqual({ server: { port: 1 } });
    expect(eff.provenance.origin('toggles.fallback')).toBeUndefined();
  });

  it('deletes a field of a named item', () => {
    const eff = compose('alerts:\n  - { name: a, for: 5m }\n', 'alerts:\n  - { name: a, for: null }\n');
    expect(eff.values.alerts).toEqual([{ name: 'a' }]);
  });

  it('replaces a scalar with a map and a map with a scalar', () => {
    expect(compose('a: 1\n', 'a: { b: 2 }\n').values).toEqual({ a: { b: 2 } });
    expect(compose('a: { b: 2 }\n', 'a: 3\n').values).toEqual({ a: 3 });
  });

  it('an empty overlay changes nothing and the base is not mutated', () => {
    const base = parseDocumentText('a: { b: 1 }\n', '/p/base.yaml').doc!;
    const ov = parseDocumentText('a: { b: 2 }\n', '/p/o.yaml').doc!;
    composeEnvironment(base, ov, { name: 'x', protected: false });
    expect(base.value).toEqual({ a: { b: 1 } });
    expect(compose('a: 1\n', '').values).toEqual({ a: 1 });
  });

  it('ignores the overlay header keys', () => {
    const eff = compose('kind: ExportConfig\na: 1\n', 'apiVersion: exportctl/v1\nkind: Other\na: 2\n');
    expect(eff.values).toEqual({ kind: 'ExportConfig', a: 2 });
  });
});
