/**
 * The drift engine: walks every side's values at once, key by key (items of named lists by
 * `name`), and compares each side with the reference side. A key one side lacks is one
 * difference at the highest key it lacks, not one per leaf beneath it.
 */
import { canonicalJson } from '../config/canonical-json.js';
import { isPlainObject } from '../config/compose.js';
import { appendPath } from '../config/path.js';
import { redactSecrets } from '../config/secrets.js';
import { allowCovers } from './allows.js';
import { type DriftKey, type DriftSegment, formatDriftKey, isNamedItemList, lastMapKey } from './keys.js';
import {
  type AllowRule,
  type CellStatus,
  type DriftCell,
  type DriftComparison,
  type DriftDifference,
  type DriftRow,
  type DriftSide,
  rowVerdict,
} from './model.js';
import { normalizeEnvName } from './values.js';

export interface CompareOptions {
  /** Id of the reference side. */
  reference: string;
  /** Differences that are not drift. */
  allows?: readonly AllowRule[];
  /** Build the rows and cells of a report (default true); `check` needs only the differences. */
  rows?: boolean;
}

export function compareSides(sides: readonly DriftSide[], options: CompareOptions): DriftComparison {
  const r = sides.findIndex((s) => s.id === options.reference);
  if (r === -1) throw new Error(`drift: reference side "${options.reference}" is not among the sides`);
  const allows = options.allows ?? [];
  const allowUsed = allows.map(() => false);
  const withRows = options.rows !== false;
  const rows: DriftRow[] = [];
  const differences: DriftDifference[] = [];
  const order = [r, ...sides.map((_, i) => i).filter((i) => i !== r)];
  const ref = sides[r];

  const findAllow = (env: string, key: DriftKey): number | undefined => {
    for (let a = 0; a < allows.length; a++) {
      const rule = allows[a];
      if (allowCovers(rule, env, key)) {
        allowUsed[a] = true;
        return rule.index;
      }
    }
    return undefined;
  };

  const redact = (value: unknown, key: DriftKey): unknown =>
    value === undefined || value === null || typeof value === 'boolean'
      ? value
      : redactSecrets(value, lastMapKey(key));

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
    const refNode = nodes[r];
    const refCanon = refNode === undefined || typeof refNode !== 'object' ? refNode : canonicalJson(refNode);
    let refNormalized: string | undefined;
    const statuses: CellStatus[] = [];
    const allowOf: (number | undefined)[] = [];
    const secret: boolean[] = [];
    for (let i = 0; i < sides.length; i++) {
      const node = nodes[i];
      const inheritedDiff = inherited[i];
      if (i === r) statuses.push('reference');
      else if (inheritedDiff) {
        statuses.push(inheritedDiff.allow === undefined ? 'missing' : 'allowed');
        allowOf[i] = inheritedDiff.allow;
      } else if (node === undefined) statuses.push('absent');
      else if ((typeof node !== 'object' || node === null ? node : canonicalJson(node)) === refCanon)
        statuses.push('same');
      else {
        const side = sides[i];
        refNormalized ??= canonicalJson(normalizeEnvName(refNode, ref.env));
        if (canonicalJson(normalizeEnvName(node, side.env)) === refNormalized) {
          statuses.push('normalized');
          continue;
        }
        const value = redact(node, key);
        const referenceValue = redact(refNode, key);
        const secretDiffers = canonicalJson(value) === canonicalJson(referenceValue);
        const allow = findAllow(side.env, key);
        differences.push({
          side: side.id,
          env: side.env,
          key: keyText,
          segments: key,
          kind: 'value',
          path: paths[i] ?? keyText,
          allow,
          location: side.locate(key, paths[i], false),
          referenceOrigin: ref.locate(key, paths[r], false),
          value,
          referenceValue,
          secretDiffers,
        });
        statuses.push(allow === undefined ? 'drift' : 'allowed');
        allowOf[i] = allow;
        secret[i] = secretDiffers;
      }
    }
    if (!withRows) return;
    const cells: DriftCell[] = sides.map((side, i) => {
      const present = nodes[i] !== undefined;
      const cell: DriftCell = { side: side.id, present, value: redact(nodes[i], key), status: statuses[i] };
      if (present) {
        cell.path = paths[i];
        cell.origin = side.locate(key, paths[i], false);
      }
      if (allowOf[i] !== undefined) cell.allow = allowOf[i];
      if (secret[i]) cell.secretDiffers = true;
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
      // name -> index in each side's list (the first item of that name)
      const index = nodes.map((n) => {
        const m = new Map<string, number>();
        if (Array.isArray(n)) {
          n.forEach((item: { name: string }, at) => {
            if (!m.has(item.name)) m.set(item.name, at);
          });
        }
        return m;
      });
      const names = new Set<string>();
      for (const i of order) for (const name of index[i].keys()) names.add(name);
      for (const name of names) {
        const child: unknown[] = [];
        const childPaths: (string | undefined)[] = [];
        nodes.forEach((n, i) => {
          const at = index[i].get(name);
          child.push(at === undefined ? undefined : (n as unknown[])[at]);
          childPaths.push(at === undefined ? undefined : appendPath(paths[i] ?? '', at));
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
