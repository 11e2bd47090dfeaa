import type { Finding } from '../diagnostics/finding.js';
import type { PathConfinement } from './confinement.js';
import type { Provenance } from './provenance.js';

/** A parsed source file: plain JS values plus the position of every node. */
export interface LoadedDocument {
  /** Absolute path. */
  file: string;
  /** Plain JSON-compatible value (objects have no prototype pollution: own keys only). */
  value: unknown;
  provenance: Provenance;
  /** The decoded text (BOM stripped), for code frames. */
  text: string;
}

export interface LoadResult {
  doc?: LoadedDocument;
  findings: Finding[];
}

/** The shape of `kind: Project` (schemas/project.schema.json). */
export interface ProjectManifest {
  apiVersion: 'exportctl/v1';
  kind: 'Project';
  name: string;
  base: string;
  environments: Record<string, { overlay?: string; protected?: boolean }>;
  reference?: string;
  /** Directories outside the project's git repository that its files may come from. */
  allow_outside_paths?: string[];
  policies?: {
    builtin?: boolean;
    paths?: string[];
    rules?: Record<string, 'error' | 'warning' | 'info' | 'off'>;
  };
  drift?: { allow?: Array<{ path: string; envs?: string[]; reason?: string }> };
  waivers?: Array<{ rule: string; env?: string; path?: string; reason: string; expires?: string }>;
}

export interface EnvironmentSpec {
  name: string;
  /** Absolute path of the overlay, if any. */
  overlayFile?: string;
  protected: boolean;
}

/** A project as read from its manifest (before composition). */
export interface Project {
  /** Absolute directory holding the manifest. */
  root: string;
  manifestFile: string;
  manifest: ProjectManifest;
  manifestDoc: LoadedDocument;
  /** Absolute path of the base config. */
  baseFile: string;
  environments: EnvironmentSpec[];
  /** Name of the reference environment for drift (manifest `reference`, else the first protected, else the first). */
  reference: string;
  /** Where the project's files may come from: every file it names is read through this. */
  confine: PathConfinement;
}

/** Top-level sections of an effective ExportConfig (schemas/export-config.schema.json). */
export type ConfigValues = Record<string, unknown>;

/** One environment's effective config: base + overlay, with provenance for every value. */
export interface EffectiveConfig {
  env: string;
  protected: boolean;
  values: ConfigValues;
  provenance: Provenance;
  base: LoadedDocument;
  overlay?: LoadedDocument;
}
