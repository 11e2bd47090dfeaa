/**
 * Declared vs running (`drift --live URL`, docs/reference.md#drift-across-environments):
 * reads a running service's `/config` and compares its digest and values with the
 * environment's effective config. Every difference is a `drift/state` finding at the local
 * path (located through provenance by the caller), so the report points at the line the
 * running service disagrees with.
 */
import { isNamedList, isPlainObject } from '../config/compose.js';
import { appendPath } from '../config/path.js';
import { redactSecrets } from '../config/secrets.js';
import type { EffectiveConfig } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { locateFindings } from '../diagnostics/locate.js';
import { canonicalJson } from '../config/canonical-json.js';
import { DRIFT_STATE } from '../drift/rules.js';
import { effectiveConfigDigest } from '../config/digest.js';

export interface LiveDriftOptions {
  /** The service's base URL (`http://host:port`) or its `/config` URL. */
  url: string;
  config: EffectiveConfig;
  /** Bearer token (`/config` needs one when the service has auth). */
  token?: string;
  timeoutMs?: number;
}

/** The service could not be asked (unreachable, refused, not an exportctl service). */
export class LiveDriftError extends Error {
  /** The HTTP status the service answered with, when it answered. */
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

interface LiveConfig {
  env?: string;
  digest: string;
  config: Record<string, unknown>;
}

export async function fetchLiveConfig(opts: Omit<LiveDriftOptions, 'config'>): Promise<LiveConfig> {
  const base = opts.url.replace(/\/+$/, '');
  const url = base.endsWith('/config') ? base : `${base}/config`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new LiveDriftError(`cannot reach ${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  if (!res.ok) throw new LiveDriftError(`${url} answered HTTP ${res.status}`, res.status);
  const body = (await res.json().catch(() => undefined)) as Partial<LiveConfig> | undefined;
  if (!body || typeof body.digest !== 'string' || !isPlainObject(body.config))
    throw new LiveDriftError(`${url} is not an exportctl service's /config`);
  return body as LiveConfig;
}

/** `drift/state` findings for every value the running service has differently. */
export async function liveDrift(opts: LiveDriftOptions): Promise<Finding[]> {
  const live = await fetchLiveConfig(opts);
  const env = opts.config.env;
  const local = opts.config.values as Record<string, unknown>;
  if (live.digest === effectiveConfigDigest(local)) return [];
  const findings: Finding[] = [];
  const where = opts.url.replace(/\/config\/?$/, '');
  const add = (path: string, message: string) =>
    findings.push({ rule: DRIFT_STATE, severity: 'error', message, path, env });
  if (live.env !== undefined && live.env !== env) {
    add('', `the service at ${where} runs environment ${live.env}, not ${env}`);
  }
  compare(redactSecrets(local), live.config, '', (path, declared, running) => {
    if (declared === undefined)
      add(
        parentOf(path),
        `the service at ${where} runs ${path} = ${show(running)}, which ${env} does not declare`,
      );
    else if (running === undefined)
      add(path, `the service at ${where} runs without ${path} (declared ${show(declared)})`);
    else
      add(path, `the service at ${where} runs ${path} = ${show(running)}; ${env} declares ${show(declared)}`);
  });
  if (findings.length === 0) {
    add(
      '',
      `the service at ${where} runs config ${live.digest.slice(0, 12)}, not ${env}'s ${effectiveConfigDigest(local).slice(0, 12)} (the difference is in redacted values)`,
    );
  }
  return locateFindings(findings, (e) => (e === env ? opts.config.provenance : undefined));
}

function parentOf(path: string): string {
  const i = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return i <= 0 ? '' : path.slice(0, i);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type Report = (path: string, declared: unknown, running: unknown) => void;

/** Leaf-by-leaf comparison; lists of named items are matched by name, never by position. */
function compare(declared: unknown, running: unknown, path: string, report: Report): void {
  if (isPlainObject(declared) && isPlainObject(running)) {
    for (const k of new Set([...Object.keys(declared), ...Object.keys(running)]))
      compare(declared[k], running[k], appendPath(path, k), report);
    return;
  }
  if (
    Array.isArray(declared) &&
    Array.isArray(running) &&
    isNamedList(declared, running) &&
    declared.length + running.length > 0
  ) {
    const byName = new Map(running.map((item) => [(item as { name: string }).name, item]));
    declared.forEach((item, i) => {
      const name = (item as { name: string }).name;
      compare(item, byName.get(name), appendPath(path, i), report);
      byName.delete(name);
    });
    for (const [name, item] of byName) report(appendPath(path, name), undefined, item);
    return;
  }
  if (
    canonicalJson(declared ?? null) !== canonicalJson(running ?? null) ||
    (declared === undefined) !== (running === undefined)
  )
    report(path, declared, running);
}
