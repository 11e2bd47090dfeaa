export { type CelBudget, DEFAULT_BUDGET } from './budget.js';
export {
  type CelEngineOptions,
  type CelError,
  type CelOutcome,
  type CelProgram,
  CelEngine,
  type CompileOptions,
} from './engine.js';
export { CEL_FUNCTION_DOCS } from './functions.js';
export { configSections, POLICY_VARIABLES, policyCelEngine } from './policy-environment.js';
export { formatCelValue, toCel } from './values.js';
