/** §5 trained live: the request the adversarial-vs-weight-decay figure sends, one epoch at a time. No TensorFlow.js here. */
import { defineRequest } from '../../compute/protocol.ts';
import type { RaceEpoch, RunName } from '../../lib/train/adversarial-vs-weight-decay.ts';
import type { ModelFiles } from '../kit/modelFiles.ts';

/**
 * One more epoch of the three 3-vs-7 logistic regressions (plain, adversarial objective at ε,
 * L¹ weight decay at λ) of the training session `session` (a new session starts from the seeded
 * beginning), or `reset`: free every other session, or `export`: one run's model as it stands after its last
 * epoch, as TensorFlow.js LayersModel files.
 */
export interface WeightDecayRaceRequest {
  action: 'epoch' | 'reset' | 'export';
  /** For `export`: which run's model. */
  run?: RunName;
  session: number;
  seed: number;
  epsilon: number;
  lambda: number;
}

export interface WeightDecayRaceResult {
  session: number;
  /** The epoch just trained, measured; null after a reset. */
  epoch: RaceEpoch | null;
  /** Training 3s and 7s (of the first 5,000 training digits) and test 3s and 7s (of all 10,000). */
  trainCount: number;
  testCount: number;
  /** For `export`: the model's files. */
  model?: ModelFiles;
}

export const weightDecayRace = defineRequest<WeightDecayRaceRequest, WeightDecayRaceResult>('weightDecayRace');
