/** The stages `check` runs after schema validation, in order. Later issues add theirs here. */
import type { CheckStage } from './stage.js';

export const CHECK_STAGES: CheckStage[] = [];
