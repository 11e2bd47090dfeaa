/**
 * Our own description of a Terraform stack, independent of CDKTF: what `synth` decides from
 * an effective config (pure), before an emitter turns it into Terraform JSON. Attribute
 * names are Terraform's (snake_case); nested blocks are arrays of objects, as in Terraform
 * JSON. Every attribute records the config paths it derives from, so the rules that compare
 * stacks (identical-environments, drift/state) can point back into the config.
 */
import { isPlainObject } from '../config/compose.js';

import type { ServiceDeployment } from './deploy/deployment.js';

/** A reference to another resource's attribute (`${aws_sns_topic.alerts.arn}`). */
export interface TfRef {
  ref: { address: string; attribute: string };
}

/** The current element of a resource's `for_each` (`${each.value}`). */
export interface TfEachValue {
  each: 'value';
}

export type TfValue =
  | string
  | number
  | boolean
  | null
  | TfRef
  | TfEachValue
  | TfValue[]
  | { [key: string]: TfValue };

/** Where an attribute's value comes from: config paths, and/or the environment's name. */
export interface AttributeSource {
  paths: string[];
  /** The value contains the environment's name (a suffix, the Environment tag). */
  env?: boolean;
}

/**
 * Sources keyed by attribute path within the resource (`tags.Team`, `rule[0].expiration[0].days`);
 * the key `''` is the resource's own existence. Lookups fall back to the nearest ancestor.
 */
export type AttributeSources = Record<string, AttributeSource>;

export interface ResourceSpec {
  /** Terraform resource type, e.g. `aws_instance`. */
  type: string;
  /** Resource name within the stack, e.g. `app` (address `aws_instance.app`). */
  name: string;
  attributes: Record<string, TfValue>;
  /** `count` meta-argument. */
  count?: number;
  /** `for_each` over a set of strings; attributes may use `{ each: 'value' }`. */
  forEach?: string[];
  sources: AttributeSources;
}

export interface ProviderSpec {
  /** Provider name, `aws`. */
  name: string;
  attributes: Record<string, TfValue>;
  sources: AttributeSources;
}

export interface BackendSpec {
  type: 's3';
  attributes: Record<string, string | boolean>;
  sources: AttributeSources;
}

export interface StackSpec {
  /** `<project>-<env>`. */
  name: string;
  env: string;
  provider: ProviderSpec;
  /** Absent: Terraform's local backend. */
  backend?: BackendSpec;
  resources: ResourceSpec[];
  /** What the instances run (absent without infrastructure.instance): rendered, for tests and files. */
  deployment?: {
    userData: string;
    agentConfig: Record<string, unknown>;
    service: ServiceDeployment;
  };
}

export function resourceAddress(r: Pick<ResourceSpec, 'type' | 'name'>): string {
  return `${r.type}.${r.name}`;
}

export function ref(r: Pick<ResourceSpec, 'type' | 'name'>, attribute: string): TfRef {
  return { ref: { address: resourceAddress(r), attribute } };
}

export function isRef(v: unknown): v is TfRef {
  return isPlainObject(v) && 'ref' in v;
}

export function isEachValue(v: unknown): v is TfEachValue {
  return isPlainObject(v) && v.each === 'value';
}

/** The source of an attribute path: its own entry, else its nearest ancestor's. */
export function sourceOf(sources: AttributeSources, attrPath: string): AttributeSource | undefined {
  let p = attrPath;
  for (;;) {
    const s = sources[p];
    if (s) return s;
    if (p === '') return undefined;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}
