/**
 * The parts of `terraform show -json PLANFILE` output that the plan rules read
 * (https://developer.hashicorp.com/terraform/internals/json-format).
 */
import { UsageError } from '../diagnostics/usage-error.js';
import { parseShowJson } from '../terraform/show-json.js';

export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

export interface ResourceChange {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: number | string;
  change: {
    actions: PlanAction[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    /** `true` for a value unknown until apply; objects mirror `after` for nested values. */
    after_unknown?: unknown;
    replace_paths?: Array<Array<string | number>>;
  };
  action_reason?: string;
}

export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  resource_changes?: ResourceChange[];
}

/** Parses plan JSON text; a file that is not `terraform show -json` plan output is a usage error. */
export function parsePlanJson(text: string, file: string): PlanJson {
  const v = parseShowJson(text, file, '`terraform show -json PLANFILE` output') as Partial<PlanJson> & {
    values?: unknown;
  };
  if (!v || typeof v !== 'object' || typeof v.format_version !== 'string') {
    throw new UsageError(`${file}: no format_version; expected \`terraform show -json PLANFILE\` output`);
  }
  if (v.resource_changes !== undefined && !Array.isArray(v.resource_changes)) {
    throw new UsageError(`${file}: resource_changes is not a list`);
  }
  if (v.resource_changes === undefined && v.values !== undefined) {
    throw new UsageError(`${file}: this is state, not a plan (use \`exportctl drift --state\`)`);
  }
  return v as PlanJson;
}
