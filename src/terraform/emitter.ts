/**
 * The narrow seam between synth and the library that writes Terraform. CDKTF was archived
 * upstream (December 2025); everything above this interface speaks our stack model
 * (`model.ts`), so replacing CDKTF means writing one more `Emitter`.
 */
import type { StackSpec } from './model.js';

/** A Terraform JSON configuration (`*.tf.json`), as the emitter produced it. */
export interface TerraformJson {
  terraform?: {
    required_providers?: Record<string, unknown>;
    backend?: Record<string, Record<string, unknown>>;
  };
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

export interface Emitter {
  /** Name and version, for reports and the output manifest. */
  readonly name: string;
  /** Terraform JSON for each stack. Pure: no files, no network, same input → same output. */
  emit(stacks: readonly StackSpec[]): TerraformJson[];
}

/** The default emitter (CDKTF), loaded on demand: `check` must never pay for it. */
export async function loadDefaultEmitter(): Promise<Emitter> {
  const { createCdktfEmitter } = await import('./cdktf-emitter.js');
  return createCdktfEmitter();
}
