/** The stages `check` runs after schema validation, in order. Later issues add theirs here. */
import { depsStage } from '../deps/stage.js';
import { driftStage } from '../drift/stage.js';
import { policyStage } from '../policy/stage.js';
import type { CheckStage } from './stage.js';

export const CHECK_STAGES: CheckStage[] = [policyStage, driftStage, depsStage];
