/**
 * The drift engine: walks every side's values at once, key by key (items of named lists by
 * `name`), and compares each side with the reference side. A key one side lacks is one
 * difference at the highest key it lacks, not one per leaf beneath it.
 */
import { isPlainObject } from '../config/compose.js';
import { appendPath } from '../config/path.js';
import { redactSecrets } from '../config/secrets.js';
import { type DriftKey, type DriftSegment, formatDriftKey, isNamedItemList, lastMapKey } from './keys.js';
import {
  type AllowRule,
  type DriftCell,
  type DriftComparison,
  type DriftDifference,
  type DriftRow,
  type DriftSide,
  rowVerdict,
} from './model.js';
import { patternCovers } from './pattern.js';
import { canonical, normalizeEnvName } from './values.js';

export interface CompareOptions {
  /** Id of the reference side. */
  reference: string;
  /** Differences that are not drift. */
  allows?: readonly AllowRule[];
}

export function compareSides(sides: readonly DriftSide[], options: CompareOptions): DriftComparison {
  const r = sides.findIndex((s) => s.id === options.reference);
  if (r === -1) throw new Error(`drift: reference side "${options.reference}" is not among the sides`);
  const allows = options.allows ?? [];
  const allowUsed = allows.map(() => false);
  const rows: DriftRow[] = [];
  const differences: DriftDifference[] = [];
  const order = [r, ...sides.map((_, i) => i).filter((i) => i !== r)];
  const ref = sides[r];

  const findAllow = (env: string, key: DriftKey): number | undefined => {
    for (let a = 0; a < allows.length; a++) {
      const rule = allows[a];
      if (rule.envs && !rule.envs.includes(env)) continue;
      if (patternCovers(rule.pattern, key)) {
        allowUsed[a] = true;
        return rule.index;
      }
    }
    return undefined;
  };

  const redact = (value: unknown, key: DriftKey): unknown =>
    value === undefined ? undefined : redactSecrets(value, lastMapKey(key));

  const presenceDifference = (
    i: number,
    key: DriftKey,
    keyText: string,
    nodes: readonly unknown[],
    paths: readonly (string | undefined)[],
  ): DriftDifference => {
    const side = sides[i];
    const extra = nodes[i] !== undefined;
    const refOrigin = extra ? undefined : ref.locate(key, paths[r], true);
    const own = side.locate(key, paths[i], true);
    const d: DriftDifference = {
      side: side.id,
      env: side.env,
      key: keyText,
      segments: key,
      kind: extra ? 'extra' : 'missing',
      path: (extra ? paths[i] : paths[r]) ?? keyText,
      allow: findAllow(side.env, key),
      location: own ?? refOrigin,
      referenceOrigin: refOrigin,
      value: redact(nodes[i], key),
      referenceValue: redact(nodes[r], key),
    };
    differences.push(d);
    return d;
  };

  const leaf = (
    key: DriftKey,
    keyText: string,
    nodes: readonly unknown[],
    paths: readonly (string | undefined)[],
    inherited: readonly (DriftDifference | undefined)[],
  ): void => {
    const refCanon = nodes[r] === undefined ? undefined : canonical(nodes[r]);
    let refNormalized: string | undefined;
    const cells: DriftCell[] = sides.map((side, i) => {
      const present = nodes[i] !== undefined;
      const value = redact(nodes[i], key);
      const cell: DriftCell = { side: side.id, present, value, status: 'same' };
      if (present) {
        cell.path = paths[i];
        cell.origin = side.locate(key, paths[i], false);
      }
      if (i === r) {
        cell.status = 'reference';
        return cell;
      }
      const inheritedDiff = inherited[i];
      if (inheritedDiff) {
        cell.status = inheritedDiff.allow === undefined ? 'missing' : 'allowed';
        cell.allow = inheritedDiff.allow;
        return cell;
      }
      if (!present) {
        cell.status = 'absent';
        return cell;
      }
      if (canonical(nodes[i]) === refCanon) return cell;
      refNormalized ??= canonical(normalizeEnvName(nodes[r], ref.env));
      if (canonical(normalizeEnvName(nodes[i], side.env)) === refNormalized) {
        cell.status = 'normalized';
        return cell;
      }
      const referenceValue = redact(nodes[r], key);
      const secretDiffers = canonical(value) === canonical(referenceValue);
      const allow = findAllow(side.env, key);
      differences.push({
        side: side.id,
        env: side.env,
        key: keyText,
        segments: key,
        kind: 'value',
        path: paths[i] ?? keyText,
        allow,
        location: cell.origin,
        referenceOrigin: sides[r].locate(key, paths[r], false),
        value,
        referenceValue,
        secretDiffers,
      });
      cell.status = allow === undefined ? 'drift' : 'allowed';
      cell.allow = allow;
      if (secretDiffers) cell.secretDiffers = true;
      return cell;
    });
    rows.push({ key: keyText, segments: key, cells, verdict: rowVerdict(cells) });
  };

  const visit = (
    key: DriftSegment[],
    keyText: string,
    nodes: readonly unknown[],
    paths: readonly (string | undefined)[],
    inheritedFromParent: readonly (DriftDifference | undefined)[],
  ): void => {
    let inherited = inheritedFromParent;
    const refPresent = nodes[r] !== undefined;
    for (let i = 0; i < sides.length; i++) {
      if (i === r || inherited[i] || (nodes[i] !== undefined) === refPresent) continue;
      if (inherited === inheritedFromParent) inherited = [...inheritedFromParent];
      (inherited as (DriftDifference | undefined)[])[i] = presenceDifference(i, key, keyText, nodes, paths);
    }

    const kind = containerKind(nodes);
    if (kind === 'map') {
      const keys = new Set<string>();
      for (const i of order) {
        const n = nodes[i];
        if (isPlainObject(n)) for (const k of Object.keys(n)) keys.add(k);
      }
      for (const k of keys) {
        const child: unknown[] = nodes.map((n) =>
          isPlainObject(n) && Object.hasOwn(n, k) ? n[k] : undefined,
        );
        const childPaths = paths.map((p, i) => (child[i] === undefined ? undefined : appendPath(p ?? '', k)));
        visit([...key, k], appendPath(keyText, k), child, childPaths, inherited);
      }
      return;
    }
    if (kind === 'named') {
      const names = new Set<string>();
      for (const i of order) {
        const n = nodes[i];
        if (Array.isArray(n)) for (const item of n) names.add((item as { name: string }).name);
      }
      for (const name of names) {
        const child: unknown[] = [];
        const childPaths: (string | undefined)[] = [];
        nodes.forEach((n, i) => {
          const at = Array.isArray(n) ? n.findIndex((item) => (item as { name: string }).name === name) : -1;
          child.push(at === -1 ? undefined : (n as unknown[])[at]);
          childPaths.push(at === -1 ? undefined : appendPath(paths[i] ?? '', at));
        });
        const seg = { name };
        visit([...key, seg], keyText + formatDriftKey([seg]), child, childPaths, inherited);
      }
      return;
    }
    leaf(key, keyText, nodes, paths, inherited);
  };

  visit(
    [],
    '',
    sides.map((s) => s.values),
    sides.map(() => ''),
    sides.map(() => undefined),
  );

  return {
    reference: ref.id,
    sides: sides.map((s) => ({ id: s.id, env: s.env, kind: s.kind, protected: s.protected })),
    rows,
    differences,
    allowUsed,
  };
}

/** How to descend: by map key, by item name, or not at all (compare whole values). */
function containerKind(nodes: readonly unknown[]): 'map' | 'named' | 'leaf' {
  let maps = 0;
  let lists = 0;
  let present = 0;
  let nonEmpty = false;
  for (const n of nodes) {
    if (n === undefined) continue;
    present++;
    if (isPlainObject(n)) {
      maps++;
      if (Object.keys(n).length > 0) nonEmpty = true;
    } else if (Array.isArray(n) && (n.length === 0 || isNamedItemList(n))) {
      lists++;
      if (n.length > 0) nonEmpty = true;
    }
  }
  if (!nonEmpty) return 'leaf';
  if (maps === present) return 'map';
  if (lists === present) return 'named';
  return 'leaf';
}
